/** check:drawing's verdict, without a browser: the hosts it expects and what makes a visit fail. */
import { describe, expect, test } from "bun:test";
import { drawingVerdict, summaryHosts } from "../../harness/checkDrawing.ts";

const SUMMARY = `Rendered stack example.

Hostnames:
  host                 class            auth          object
  auth.example.com     traefik-private  none          tinyauth/tinyauth-private
  auth.example.com     traefik-public   none          tinyauth/tinyauth-public
  demo.example.com     traefik-private  forward-auth  demo/demo-private`;

describe("check:drawing", () => {
  test("expects every host of the summary's table, once", () => {
    expect(summaryHosts(SUMMARY)).toEqual(["auth.example.com", "demo.example.com"]);
    expect(summaryHosts("no table")).toEqual([]);
  });

  test("fails on what the browser reported, on a host not drawn or drawn with no width, and on no hosts", () => {
    const drawn: [string, number][] = [
      ["auth.example.com", 120],
      ["demo.example.com", 0],
    ];
    expect(drawingVerdict(["console.error: boom"], SUMMARY, drawn)).toEqual([
      "console.error: boom",
      "demo.example.com is not drawn on the page",
    ]);
    expect(drawingVerdict([], "", [])).toEqual(["the page's summary lists no hosts"]);
    expect(drawingVerdict([], SUMMARY, [...drawn, ["demo.example.com", 80]])).toEqual([]);
  });
});
