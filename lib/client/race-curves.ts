/** How many curves the race asks for, and how many points per curve (server and client agree on it). */
export const RACE_CURVES = { limit: 200, points: 200 };
