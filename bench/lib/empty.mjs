// Stand-in for `server-only` (its `react-server` build is empty too).
export {};
