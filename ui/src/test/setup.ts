import { afterEach } from "vitest";
import { cleanup, configure } from "@testing-library/react";

// jsdom lays nothing out: give elements a size so the virtualised tree renders rows.
Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => 600 });
Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 400 });
Object.defineProperty(HTMLElement.prototype, "offsetHeight", { configurable: true, get: () => 24 });
Object.defineProperty(HTMLElement.prototype, "offsetWidth", { configurable: true, get: () => 400 });
if (!HTMLElement.prototype.scrollTo) HTMLElement.prototype.scrollTo = () => undefined;

// A loaded machine (CI) can stall a render past testing-library's 1 s default; a wait that is
// meant to succeed should not fail on that. Waits that are meant to fail are rare and short anyway.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => cleanup());
