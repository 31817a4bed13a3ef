import type { Version } from "../bindings";
import { describeVersion } from "../format";

/** All versions, newest first. */
export function VersionPicker({
  versions,
  value,
  onChange,
  testId = "version-select",
  label = "Version",
  disabled,
}: {
  versions: readonly Version[];
  value: number | null;
  onChange(version: number): void;
  testId?: string;
  label?: string;
  disabled?: boolean;
}) {
  const newestFirst = [...versions].sort((a, b) => b.version - a.version);
  const head = newestFirst[0]?.version;
  return (
    <label className="version-picker">
      <span className="picker-label">{label}</span>
      <select
        data-testid={testId}
        value={value ?? ""}
        disabled={disabled || versions.length === 0}
        onChange={(e) => onChange(Number(e.target.value))}
      >
        {value === null && <option value="">(no versions)</option>}
        {newestFirst.map((v) => (
          <option key={v.version} value={v.version}>
            {describeVersion(v)}
            {v.version === head ? " (head)" : ""}
          </option>
        ))}
      </select>
    </label>
  );
}
