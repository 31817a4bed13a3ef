import { describe, expect, it } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { ERROR_KINDS } from "../api";
import { ErrorBanner, errorTitle } from "./ErrorBanner";

describe("ErrorBanner", () => {
  it("has its own title for every error kind", () => {
    const titles = ERROR_KINDS.map(errorTitle);
    for (const t of titles) expect(t).not.toMatch(/^Error/);
    expect(new Set(titles).size).toBe(ERROR_KINDS.length);
    expect(errorTitle("busy")).toBe("Busy — try again.");
    expect(errorTitle("invalid_input")).toBe("Invalid input.");
    expect(errorTitle("internal")).toBe("Internal error.");
  });

  it("shows the kind, the title, the cycle and the keys, and dismisses", () => {
    let dismissed = 0;
    render(
      <ErrorBanner
        error={{ kind: "cycle", message: "a under b", path: ["a", "b", "a"], keys: ["a"] }}
        onDismiss={() => dismissed++}
      />,
    );
    const banner = screen.getByTestId("error-banner");
    expect(banner.getAttribute("data-kind")).toBe("cycle");
    expect(banner.textContent).toContain("Cycle refused.");
    expect(screen.getByTestId("error-path").textContent).toBe("Cycle: a → b → a");
    expect(screen.getByTestId("error-keys").textContent).toBe("Nodes: a");
    fireEvent.click(screen.getByTestId("error-dismiss"));
    expect(dismissed).toBe(1);
  });
});
