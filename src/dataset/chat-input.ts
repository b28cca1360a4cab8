/**
 * Chat and image inputs of a record: an OpenAI-style `messages` array (content a string or parts
 * `{type:"text", text}` / `{type:"image_url", image_url:{url}}`), and images in a field (`image` or
 * `images`: a local path relative to the dataset file, an http(s) URL, a data URL, or the
 * `{bytes, path}` struct that Hugging Face's Image feature stores in Parquet) that go to the model as
 * image parts of the last user message. Problems are FieldErrors naming the exact field.
 */
import { existsSync, statSync } from "node:fs";
import { extname, isAbsolute, resolve } from "node:path";
import type { ChatMessage, ContentPart, ImagePart } from "../core/types.js";
import { describeValue as describe, fieldError as fail } from "./field-error.js";

/** Where the record came from, for paths relative to the dataset file. */
export interface RecordContext {
  /** Folder of the dataset file (undefined: the current directory). */
  dir?: string;
}

/** An OpenAI-format conversation → Assay messages (image URLs resolved like image fields). */
export function parseChat(value: unknown, field: string, ctx: RecordContext): ChatMessage[] {
  if (!Array.isArray(value) || value.length === 0)
    fail(field, `expected a non-empty array of chat messages, got ${describe(value)}`);
  return (value as unknown[]).map((m, i) => {
    const at = `${field}[${i}]`;
    if (!m || typeof m !== "object" || Array.isArray(m))
      fail(at, `expected a chat message {role, content}, got ${describe(m)}`);
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (role !== "system" && role !== "user" && role !== "assistant")
      fail(`${at}.role`, `expected system, user or assistant, got ${describe(role)}`);
    if (typeof content === "string") return { role: role as ChatMessage["role"], content };
    if (!Array.isArray(content))
      return fail(`${at}.content`, `expected a string or an array of parts, got ${describe(content)}`);
    const parts = content.map((p, k) => parsePart(p, `${at}.content[${k}]`, ctx));
    if (role !== "user" && parts.some((p) => p.type === "image"))
      fail(`${at}.content`, "only user messages can carry images");
    return { role: role as ChatMessage["role"], content: parts };
  });
}

function parsePart(part: unknown, at: string, ctx: RecordContext): ContentPart {
  if (!part || typeof part !== "object" || Array.isArray(part))
    return fail(at, `expected a content part, got ${describe(part)}`);
  const p = part as Record<string, unknown>;
  if (p.type === "text") {
    if (typeof p.text !== "string") fail(`${at}.text`, `expected a string, got ${describe(p.text)}`);
    return { type: "text", text: p.text as string };
  }
  if (p.type === "image_url") {
    // OpenAI nests the URL ({image_url: {url, detail}}); some datasets write the string directly.
    const inner = p.image_url;
    const url = typeof inner === "string" ? inner : (inner as { url?: unknown } | null)?.url;
    const where = typeof inner === "string" ? `${at}.image_url` : `${at}.image_url.url`;
    if (typeof url !== "string") return fail(where, `expected an image URL, got ${describe(url)}`);
    const image = imagePart(url, where, ctx);
    const detail = (inner as { detail?: unknown } | null)?.detail;
    if (detail === "auto" || detail === "low" || detail === "high") image.detail = detail;
    return image;
  }
  if (p.type === "image") return imagePart(p.image, `${at}.image`, ctx);
  return fail(`${at}.type`, `expected "text" or "image_url", got ${describe(p.type)}`);
}

/** One image value → an ImagePart; a local file must exist. */
export function imagePart(value: unknown, field: string, ctx: RecordContext): ImagePart {
  if (typeof value === "string") {
    const s = value.trim();
    if (s === "") fail(field, "empty image reference");
    if (/^data:/i.test(s)) {
      if (!/^data:image\/[\w.+-]+;base64,/i.test(s))
        fail(field, "a data URL must look like data:image/<type>;base64,<data>");
      return { type: "image", image: s };
    }
    if (/^https?:\/\//i.test(s)) return { type: "image", image: s };
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) fail(field, `unsupported image URL scheme in ${s.slice(0, 60)}`);
    const path = isAbsolute(s) ? s : resolve(ctx.dir ?? ".", s);
    if (!existsSync(path) || !statSync(path).isFile()) fail(field, `image file not found: ${path}`);
    return { type: "image", image: path };
  }
  // Hugging Face's Image feature: {bytes: <binary>, path: "name.png"} (bytes may be null for a path).
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const { bytes, path } = value as { bytes?: unknown; path?: unknown };
    if (bytes instanceof Uint8Array && bytes.length > 0) {
      const mime = imageMime(bytes, typeof path === "string" ? path : "");
      return { type: "image", image: `data:${mime};base64,${Buffer.from(bytes).toString("base64")}` };
    }
    if (typeof path === "string" && path) return imagePart(path, `${field}.path`, ctx);
  }
  return fail(field, `expected an image path, URL, data URL or {bytes, path}, got ${describe(value)}`);
}

const MIME_BY_EXT: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
};

/** The image type from its first bytes, else from the file name. */
function imageMime(bytes: Uint8Array, name: string): string {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "image/gif";
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45) return "image/webp";
  return MIME_BY_EXT[extname(name).toLowerCase()] ?? "application/octet-stream";
}

/** The images of a field holding one image or a list of them. */
export function parseImages(value: unknown, field: string, ctx: RecordContext): ImagePart[] {
  if (Array.isArray(value)) return value.map((v, i) => imagePart(v, `${field}[${i}]`, ctx));
  return [imagePart(value, field, ctx)];
}

/**
 * Put images into the conversation's last user message, before its text (as GameQA sends them);
 * a plain-string input becomes a one-message conversation.
 */
export function withImages(input: string | ChatMessage[], images: ImagePart[], field: string): ChatMessage[] {
  const messages: ChatMessage[] =
    typeof input === "string" ? [{ role: "user", content: input }] : input.map((m) => ({ ...m }));
  let i = messages.length - 1;
  while (i >= 0 && messages[i]?.role !== "user") i--;
  if (i < 0) return fail(field, "images need a user message to go with, and the conversation has none");
  const msg = messages[i] as ChatMessage;
  const parts: ContentPart[] =
    typeof msg.content === "string" ? [{ type: "text", text: msg.content }] : msg.content;
  messages[i] = { role: "user", content: [...images, ...parts] };
  return messages;
}
