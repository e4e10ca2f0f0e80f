/**
 * Links into Omni's web app. Omni documents no URL scheme for routines; the pattern below is an assumption
 * (docs/omni-api.md, "Links into Omni"), kept in this one function so it is changed in one place.
 */
export function omniRoutineUrl(baseUrl: string, routineId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/routines/${encodeURIComponent(routineId)}`;
}
