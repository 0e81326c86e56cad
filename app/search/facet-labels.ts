const VALUE_LABELS: Record<string, Record<string, string>> = {
  status: { draft: "Draft", "in-review": "In review", published: "Published" },
  kind: { incident: "Incident", "near-miss": "Near miss" },
};

/** A facet value as the rest of the product writes it ("In review", "Near miss", a factor's name); ids stay as typed. */
export function facetValueLabel(facet: string, value: string, factorNames: Record<string, string>): string {
  if (facet === "factor") return factorNames[value] ?? value;
  return VALUE_LABELS[facet]?.[value] ?? value;
}
