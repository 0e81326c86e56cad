// Security headers apply to every response. Pages get their Content-Security-Policy from proxy.ts, with a nonce per
// request; everything the proxy does not see (API routes, static files) gets the strict one below, which allows
// nothing to run, since none of those responses is a page.
const apiCsp = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

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
        source: "/(api|_next)/:path*",
        headers: [{ key: "Content-Security-Policy", value: apiCsp }],
      },
      {
        source: "/:path*",
        headers: [
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
