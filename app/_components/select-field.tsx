/** A labelled <select> for GET filter forms; the empty option means "no filter". */
export function SelectField({ id, name, label, value, anyLabel = "Any", options }: { id: string; name: string; label: string; value: string | undefined; anyLabel?: string; options: readonly (string | { value: string; label: string })[] }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={value ?? ""}>
        <option value="">{anyLabel}</option>
        {options.map((o) => {
          const opt = typeof o === "string" ? { value: o, label: o } : o;
          return (
            <option key={opt.value} value={opt.value}>
              {opt.label}
            </option>
          );
        })}
      </select>
    </div>
  );
}
