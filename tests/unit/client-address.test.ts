import { describe, expect, it } from "vitest";
import { clientAddress, DEFAULTED_AUTH_URL_ENV, parseTrustedProxies, PEER_ADDRESS_ENV, PEER_ADDRESS_HEADER, publicBaseUrl, requestHost, resolveClientAddress, UNKNOWN_ADDRESS } from "../../lib/auth/client-address";
import { assertOriginMatches } from "../../lib/auth/session";
import { AppError } from "../../lib/errors";

// Kaizen's server (scripts/serve.mjs) announces itself in the environment and writes the socket peer into a header.
const served = (trusted = ""): NodeJS.ProcessEnv => ({ NODE_ENV: "test", [PEER_ADDRESS_ENV]: PEER_ADDRESS_HEADER, KAIZEN_TRUSTED_PROXIES: trusted });

describe("client address", () => {
  const proxies = parseTrustedProxies("10.0.0.0/8, 192.168.1.7, fd00::/8");

  it("is the socket peer when the peer is not a trusted proxy, whatever X-Forwarded-For says", () => {
    expect(resolveClientAddress({ peer: "203.0.113.9", forwardedFor: "1.2.3.4" }, proxies)).toBe("203.0.113.9");
    expect(resolveClientAddress({ peer: "203.0.113.9", forwardedFor: "10.0.0.1, 1.2.3.4" }, proxies)).toBe("203.0.113.9");
    expect(resolveClientAddress({ peer: "::ffff:203.0.113.9", forwardedFor: null }, proxies)).toBe("203.0.113.9");
  });

  it("walks X-Forwarded-For from the right through trusted proxies only", () => {
    expect(resolveClientAddress({ peer: "10.1.2.3", forwardedFor: "198.51.100.4" }, proxies)).toBe("198.51.100.4");
    // The client forged the left entries; the trusted proxies appended the real client and themselves.
    expect(resolveClientAddress({ peer: "10.1.2.3", forwardedFor: "6.6.6.6, 7.7.7.7, 198.51.100.4, 192.168.1.7" }, proxies)).toBe("198.51.100.4");
    expect(resolveClientAddress({ peer: "fd00::1", forwardedFor: "2001:db8::5" }, proxies)).toBe("2001:db8::5");
    // Only trusted hops: the leftmost one is the best known client.
    expect(resolveClientAddress({ peer: "10.1.2.3", forwardedFor: "10.9.9.9" }, proxies)).toBe("10.9.9.9");
    // A trusted proxy that forwarded nothing: the proxy is all we know.
    expect(resolveClientAddress({ peer: "10.1.2.3", forwardedFor: "" }, proxies)).toBe("10.1.2.3");
    // A garbled hop stops the walk at the last good address.
    expect(resolveClientAddress({ peer: "10.1.2.3", forwardedFor: "1.1.1.1, not-an-ip" }, proxies)).toBe("10.1.2.3");
  });

  it("does not let a rotating X-Forwarded-For mint new addresses from an untrusted peer", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) {
      seen.add(clientAddress({ [PEER_ADDRESS_HEADER]: "203.0.113.9", "x-forwarded-for": `100.64.0.${i}` }, served()));
    }
    expect([...seen]).toEqual(["203.0.113.9"]);
  });

  it("ignores forwarding headers when no proxy is trusted, and a forged peer header under a foreign server", () => {
    expect(clientAddress({ [PEER_ADDRESS_HEADER]: "127.0.0.1", "x-forwarded-for": "1.2.3.4", "x-real-ip": "5.6.7.8" }, served())).toBe("127.0.0.1");
    // `next dev` or a plain `next start`: the peer is not known, and a client-sent header does not make it known.
    expect(clientAddress({ [PEER_ADDRESS_HEADER]: "9.9.9.9", "x-forwarded-for": "1.2.3.4" }, { NODE_ENV: "test" })).toBe(UNKNOWN_ADDRESS);
  });

  it("reads KAIZEN_TRUSTED_PROXIES and reports bad entries", () => {
    const p = parseTrustedProxies("127.0.0.1, 10.0.0.0/33, bogus, ::1, 172.16.0.0/12");
    expect(p.problems).toHaveLength(2);
    expect(p.has("127.0.0.1")).toBe(true);
    expect(p.has("::1")).toBe(true);
    expect(p.has("172.31.255.255")).toBe(true);
    expect(p.has("172.32.0.1")).toBe(false);
    expect(parseTrustedProxies(undefined).has("127.0.0.1")).toBe(false);
  });
});

describe("origin check", () => {
  const headers = (h: Record<string, string>) => new Headers(h);
  const refused = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      return err instanceof AppError && err.status === 403;
    }
    return false;
  };

  it("refuses X-Forwarded-Host from an untrusted peer", () => {
    const h = headers({ origin: "https://evil.example", host: "kaizen.internal:3000", "x-forwarded-host": "evil.example", [PEER_ADDRESS_HEADER]: "203.0.113.9" });
    expect(refused(() => assertOriginMatches(h, served()))).toBe(true);
    expect(requestHost(h, served())).toBe("kaizen.internal:3000");
  });

  it("believes X-Forwarded-Host from a trusted proxy", () => {
    const h = headers({ origin: "https://kaizen.example.com", host: "127.0.0.1:3000", "x-forwarded-host": "kaizen.example.com", [PEER_ADDRESS_HEADER]: "10.0.0.2" });
    expect(refused(() => assertOriginMatches(h, served("10.0.0.0/8")))).toBe(false);
  });

  it("accepts a same-host origin and refuses a missing or null one", () => {
    const base = { host: "localhost:3000", [PEER_ADDRESS_HEADER]: "127.0.0.1" };
    expect(refused(() => assertOriginMatches(headers({ ...base, origin: "http://localhost:3000" }), served()))).toBe(false);
    expect(refused(() => assertOriginMatches(headers(base), served()))).toBe(true);
    expect(refused(() => assertOriginMatches(headers({ ...base, origin: "null" }), served()))).toBe(true);
  });
});

describe("public base URL for links (CSV, calendar, exports)", () => {
  const h = (host: string, extra: Record<string, string> = {}) => new Headers({ host, [PEER_ADDRESS_HEADER]: "192.0.2.7", ...extra });
  it("follows the address the request came to when NEXTAUTH_URL is only npm start's localhost default", () => {
    const env = { NEXTAUTH_URL: "http://localhost:3000", [DEFAULTED_AUTH_URL_ENV]: "1" } as unknown as NodeJS.ProcessEnv;
    expect(publicBaseUrl(h("kaizen.lan:3000"), env)).toBe("http://kaizen.lan:3000");
  });
  it("uses a configured NEXTAUTH_URL or KAIZEN_BASE_URL (without a trailing slash) over the request", () => {
    expect(publicBaseUrl(h("127.0.0.1:3000"), { NEXTAUTH_URL: "https://kaizen.example.com/" } as unknown as NodeJS.ProcessEnv)).toBe("https://kaizen.example.com");
    expect(publicBaseUrl(h("127.0.0.1:3000"), { NEXTAUTH_URL: "https://a.example", KAIZEN_BASE_URL: "https://b.example" } as unknown as NodeJS.ProcessEnv)).toBe("https://b.example");
  });
  it("never takes a forwarded host from an untrusted peer", () => {
    expect(publicBaseUrl(h("kaizen.lan", { "x-forwarded-host": "evil.example" }), {} as NodeJS.ProcessEnv)).toBe("http://kaizen.lan");
  });
});
