package dev.loadstone.session.token;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The authenticated content of a token, layout 1 (compact binary, big-endian):
 *
 * <pre>
 * byte   layout (1)      byte kind (0 = inline attributes, 1 = reference to spilled data)
 * utf    session id      long created, last access, issued at, expires at (epoch ms)
 * long   idle timeout ms, absolute timeout ms
 * kind 0: int count, then count x (utf name, int length, codec bytes)
 * kind 1: utf spill handle
 * </pre>
 *
 * Issued-at and expiry sit inside the signed (or encrypted) bytes, so they cannot be altered.
 */
final class TokenPayload {
  static final byte LAYOUT = 1;
  static final byte INLINE = 0;
  static final byte REFERENCE = 1;

  final byte kind;
  final String id;
  final Instant created;
  final Instant lastAccessed;
  final Instant issuedAt;
  final Instant expiresAt;
  final Duration idleTimeout;
  final Duration absoluteTimeout;
  /** Kind 0: encoded attribute values by name. */
  final Map<String, byte[]> attributes;
  /** Kind 1: the spill store's handle. */
  final String spillHandle;

  TokenPayload(byte kind, String id, Instant created, Instant lastAccessed, Instant issuedAt, Instant expiresAt,
      Duration idleTimeout, Duration absoluteTimeout, Map<String, byte[]> attributes, String spillHandle) {
    this.kind = kind;
    this.id = id;
    this.created = created;
    this.lastAccessed = lastAccessed;
    this.issuedAt = issuedAt;
    this.expiresAt = expiresAt;
    this.idleTimeout = idleTimeout;
    this.absoluteTimeout = absoluteTimeout;
    this.attributes = attributes;
    this.spillHandle = spillHandle;
  }

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + estimate());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(LAYOUT);
      out.writeByte(kind);
      out.writeUTF(id);
      out.writeLong(created.toEpochMilli());
      out.writeLong(lastAccessed.toEpochMilli());
      out.writeLong(issuedAt.toEpochMilli());
      out.writeLong(expiresAt.toEpochMilli());
      out.writeLong(idleTimeout.toMillis());
      out.writeLong(absoluteTimeout.toMillis());
      if (kind == INLINE) {
        out.writeInt(attributes.size());
        for (Map.Entry<String, byte[]> e : attributes.entrySet()) {
          out.writeUTF(e.getKey());
          out.writeInt(e.getValue().length);
          out.write(e.getValue());
        }
      } else {
        out.writeUTF(spillHandle);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: in memory
    }
    return bytes.toByteArray();
  }

  private int estimate() {
    if (attributes == null) {
      return 32;
    }
    int n = 0;
    for (Map.Entry<String, byte[]> e : attributes.entrySet()) {
      n += e.getKey().length() + e.getValue().length + 6;
    }
    return n;
  }

  /** Decodes an authentic payload; throws {@link IllegalArgumentException} for a layout it cannot read. */
  static TokenPayload decode(byte[] payload) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
      byte layout = in.readByte();
      if (layout != LAYOUT) {
        throw new IllegalArgumentException("payload layout " + layout + " (expected: " + LAYOUT + ")");
      }
      byte kind = in.readByte();
      String id = in.readUTF();
      Instant created = Instant.ofEpochMilli(in.readLong());
      Instant lastAccessed = Instant.ofEpochMilli(in.readLong());
      Instant issuedAt = Instant.ofEpochMilli(in.readLong());
      Instant expiresAt = Instant.ofEpochMilli(in.readLong());
      Duration idle = Duration.ofMillis(in.readLong());
      Duration absolute = Duration.ofMillis(in.readLong());
      if (kind == INLINE) {
        int count = in.readInt();
        if (count < 0 || count > payload.length) {
          throw new IllegalArgumentException("attribute count " + count);
        }
        Map<String, byte[]> attributes = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
          String name = in.readUTF();
          int length = in.readInt();
          if (length < 0 || length > in.available()) {
            throw new IllegalArgumentException("attribute length " + length);
          }
          byte[] value = new byte[length];
          in.readFully(value);
          attributes.put(name, value);
        }
        return new TokenPayload(kind, id, created, lastAccessed, issuedAt, expiresAt, idle, absolute, attributes,
            null);
      }
      if (kind == REFERENCE) {
        return new TokenPayload(kind, id, created, lastAccessed, issuedAt, expiresAt, idle, absolute, null,
            in.readUTF());
      }
      throw new IllegalArgumentException("payload kind " + kind + " (expected: 0 or 1)");
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated payload", e);
    }
  }
}
