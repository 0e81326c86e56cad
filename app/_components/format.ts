// Pages format dates through the one display module (lib/knowledge/dates.ts): the organization's zone, named.
export { formatDate, formatDateTime, formatTime, zoneName } from "@/lib/knowledge/dates";
