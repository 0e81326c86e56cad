import { describe, expect, it, vi } from "vitest";

describe("processShared", () => {
  it("gives every fresh copy of a module (a bundle layer) the same value, created once", async () => {
    const create = vi.fn(() => new WeakMap<object, number>());
    const first = await import("../../lib/process-shared");
    vi.resetModules();
    const second = await import("../../lib/process-shared");
    expect(second).not.toBe(first);
    const a = first.processShared("test.shared-cache", create);
    const b = second.processShared("test.shared-cache", create);
    expect(b).toBe(a);
    expect(create).toHaveBeenCalledTimes(1);
  });

  it("keeps values under different names apart", async () => {
    const { processShared } = await import("../../lib/process-shared");
    expect(processShared("test.one", () => ({ n: 1 }))).not.toBe(processShared("test.two", () => ({ n: 1 })));
  });
});
