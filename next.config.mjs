// Security headers apply to every response; the CSP deliberately has no 'unsafe-eval':
// nothing from content is ever evaluated, in the browser or on the server.
const isDev = process.env.NODE_ENV !== "production";
const csp = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // Several builds can live side by side (parallel work trees of one checkout); CI and `npm start` use the default.
  distDir: process.env.KAIZEN_DIST_DIR ?? ".next",
  // A plain `next build` type-checks. `npm test` runs `tsc --noEmit` over the whole project (tests included) as its
  // own step just before building and says so with KAIZEN_TYPECHECKED=1, so the build does not check twice.
  typescript: { ignoreBuildErrors: process.env.KAIZEN_TYPECHECKED === "1" },
  reactStrictMode: true,
  serverExternalPackages: ["flexsearch"],
  experimental: { serverActions: { bodySizeLimit: "2mb" } },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: csp },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default nextConfig;
