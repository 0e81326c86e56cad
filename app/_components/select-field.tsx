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

/** Two labelled date inputs bounding a period (a GET filter form's from/to pair). */
export function DateRangeFields({ idPrefix, from, to }: { idPrefix: string; from: { name: string; label: string; value: string | undefined }; to: { name: string; label: string; value: string | undefined } }) {
  return (
    <>
      {[from, to].map((d) => (
        <div key={d.name} className="field">
          <label htmlFor={`${idPrefix}-${d.name}`}>{d.label}</label>
          <input id={`${idPrefix}-${d.name}`} name={d.name} type="date" defaultValue={d.value ?? ""} />
        </div>
      ))}
    </>
  );
}
