// mcp-sdk-client.mjs: t8002's client — the official TypeScript MCP SDK spawns `certctl mcp`
// over stdio, lists the tools and calls a few against a running serve.
// Usage: node mcp-sdk-client.mjs CERTCTL V21_NAMES_FILE EXPECTED_TOOL_COUNT CRL_OUT
// Exits 1 on the first failed check.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [certctl, namesFile, expectedCount, crlOut] = process.argv.slice(2);
const env = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined));
const transport = new StdioClientTransport({ command: certctl, args: ["mcp"], env, stderr: "inherit" });
const client = new Client({ name: "certctl-e2e", version: "1.0.0" });
const text = (r) => r.content[0].text;

await client.connect(transport);
assert.equal(client.getServerVersion().name, "certctl");
assert.ok(client.getServerCapabilities().tools, "no tools capability");
await client.ping();

// every page of tools/list
const tools = [];
let cursor, pages = 0;
do {
	const r = await client.listTools(cursor ? { cursor } : {});
	tools.push(...r.tools);
	cursor = r.nextCursor;
	pages++;
} while (cursor && pages < 10);
assert.equal(tools.length, Number(expectedCount), "tools/list count");
assert.ok(pages > 1, "tools/list came in one page: no cursor pagination");
const byName = new Map(tools.map((t) => [t.name, t]));
const v21 = readFileSync(namesFile, "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
assert.equal(v21.length, 81);
for (const n of v21) assert.ok(byName.has(n), `tool ${n} of certctl v2.1 is missing`);
const revoke = byName.get("certctl_revoke_certificate");
assert.equal(revoke.annotations.destructiveHint, true);
assert.equal(revoke.inputSchema.properties.reason.enum.length, 8);
assert.equal(byName.get("certctl_list_certificates").annotations.readOnlyHint, true);
assert.equal(byName.get("certctl_bulk_revoke_certificates").inputSchema.properties.dry_run.type, "boolean");
console.log(`listed ${tools.length} tools in ${pages} pages`);

// list certificates, then get the first one
const list = await client.callTool({ name: "certctl_list_certificates", arguments: { per_page: 5 } });
assert.ok(!list.isError, text(list));
const page = JSON.parse(text(list));
assert.equal(page.total, 32);
assert.equal(list.structuredContent.total, 32, "no structuredContent under 2025-06-18");
const id = page.data[0].id;
const one = await client.callTool({ name: "certctl_get_certificate", arguments: { id } });
assert.ok(!one.isError, text(one));
assert.equal(one.structuredContent.id, id);
console.log(`got certificate ${id}`);

// an API error is a tool result with isError, an unknown tool a JSON-RPC error
const missing = await client.callTool({ name: "certctl_get_certificate", arguments: { id: "mc-nope" } });
assert.ok(missing.isError && /HTTP 404/.test(text(missing)), JSON.stringify(missing));
await assert.rejects(client.callTool({ name: "certctl_nope", arguments: {} }), (e) => e.code === -32602);
await assert.rejects(client.callTool({ name: "certctl_get_certificate", arguments: {} }), (e) => e.code === -32602);

// bulk revoke, dry run: nothing changes
const dry = await client.callTool({
	name: "certctl_bulk_revoke_certificates",
	arguments: { reason: "superseded", certificate_ids: [id, "mc-api-prod"], dry_run: true },
});
assert.ok(!dry.isError, text(dry));
assert.equal(typeof dry.structuredContent.total_matched, "number", text(dry));
const after = await client.callTool({ name: "certctl_get_certificate", arguments: { id: "mc-api-prod" } });
assert.notEqual(after.structuredContent.status, "Revoked", "the dry run revoked");
console.log(`bulk revoke dry run: total_matched ${dry.structuredContent.total_matched}`);

// the DER CRL: base64 in an embedded resource
const crl = await client.callTool({ name: "certctl_get_der_crl", arguments: { issuer_id: "iss-local" } });
assert.ok(!crl.isError, text(crl));
const res = crl.content.find((c) => c.type === "resource").resource;
assert.equal(res.mimeType, "application/pkix-crl");
const der = Buffer.from(res.blob, "base64");
assert.equal(der[0], 0x30, "not DER");
writeFileSync(crlOut, der);
console.log(`DER CRL: ${der.length} bytes`);

await client.close();
console.log("sdk client: all checks passed");
