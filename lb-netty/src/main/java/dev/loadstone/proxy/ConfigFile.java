package dev.loadstone.proxy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.loadstone.lb.Backend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The raw settings as read from YAML and/or flags, before validation. Every field is optional; {@link
 * #toConfig()} applies defaults and checks values. Flags override the file by overwriting fields here.
 */
final class ConfigFile {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

  @JsonProperty("listen") String listen;
  @JsonProperty("admin") String admin;
  @JsonProperty("backends") List<JsonNode> backends;
  @JsonProperty("algorithm") String algorithm;
  @JsonProperty("hash-key") String hashKey;
  @JsonProperty("sticky-cookie") String stickyCookie;
  @JsonProperty("sticky-keys") List<StickyKeyEntry> stickyKeys;
  @JsonProperty("sticky-key-file") String stickyKeyFile;
  @JsonProperty("sticky-max-age") String stickyMaxAge;
  @JsonProperty("connect-timeout") String connectTimeout;
  @JsonProperty("response-timeout") String responseTimeout;
  @JsonProperty("idle-timeout") String idleTimeout;
  @JsonProperty("header-timeout") String headerTimeout;
  @JsonProperty("retries") Integer retries;
  @JsonProperty("max-body-size") String maxBodySize;
  @JsonProperty("trusted-proxies") List<String> trustedProxies;
  @JsonProperty("pool-max-idle") Integer poolMaxIdle;
  @JsonProperty("pool-idle-timeout") String poolIdleTimeout;
  @JsonProperty("max-request-line") Integer maxRequestLine;
  @JsonProperty("max-header-size") Integer maxHeaderSize;
  @JsonProperty("health-type") String healthType;
  @JsonProperty("health-path") String healthPath;
  @JsonProperty("health-interval") String healthInterval;
  @JsonProperty("health-timeout") String healthTimeout;
  @JsonProperty("health-rise") Integer healthRise;
  @JsonProperty("health-fall") Integer healthFall;
  @JsonProperty("slow-start") String slowStart;
  @JsonProperty("drain-timeout") String drainTimeout;
  @JsonProperty("shutdown-timeout") String shutdownTimeout;
  @JsonProperty("admin-token-file") String adminTokenFile;

  /** One signing key: an id and a base64 secret of at least 32 bytes. */
  static final class StickyKeyEntry {
    @JsonProperty(value = "id", required = true) String id;
    @JsonProperty(value = "secret", required = true) String secret;
  }

  /** Where the values came from, for error messages. */
  private String origin = "flags";

  static ConfigFile read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + ": not found");
    } catch (IOException e) {
      throw new ConfigException("config file " + file + ": cannot be read (" + e.getMessage() + ")");
    }
    ConfigFile c;
    try {
      c = bytes.length == 0 ? new ConfigFile() : YAML.readValue(bytes, ConfigFile.class);
      if (c == null) {
        c = new ConfigFile();
      }
    } catch (UnrecognizedPropertyException e) {
      List<String> known =
          e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.toList());
      throw new ConfigException(
          "config file " + file + ": unknown key '" + path(e) + "' (expected one of: " + String.join(", ", known) + ")");
    } catch (JsonMappingException e) {
      throw new ConfigException(
          "config file " + file + ": key '" + path(e) + "' has the wrong type (" + firstLine(e.getOriginalMessage()) + ")");
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new ConfigException("config file " + file + ": not valid YAML" + where + " (" + firstLine(e.getOriginalMessage()) + ")");
    } catch (IOException e) {
      throw new ConfigException("config file " + file + ": cannot be read (" + e.getMessage() + ")");
    }
    c.origin = "config file " + file;
    return c;
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? "(top level)" : sb.toString();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  ProxyConfig toConfig() {
    try {
      return build();
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ConfigException(origin + ": " + e.getMessage(), e);
    }
  }

  private ProxyConfig build() {
    ProxyConfig.Builder b = ProxyConfig.builder();
    if (listen != null) {
      b.listen(listen);
    }
    if (admin != null) {
      b.admin(Addresses.parse("admin", admin));
    }
    if (backends != null) {
      for (int i = 0; i < backends.size(); i++) {
        b.addBackend(backend(i, backends.get(i)));
      }
    }
    if (algorithm != null) {
      b.algorithm(Algorithm.parse(algorithm));
    }
    if (hashKey != null) {
      b.hashKey(hashKey);
    }
    if (stickyCookie != null) {
      b.stickyCookie(stickyCookie);
    }
    if (stickyKeys != null) {
      for (StickyKeyEntry k : stickyKeys) {
        b.addStickyKey(k.id, base64("sticky-keys '" + k.id + "' secret", k.secret));
      }
    }
    if (stickyKeyFile != null) {
      readKeyFile(Path.of(stickyKeyFile)).forEach(b::addStickyKey);
    }
    if (stickyMaxAge != null) {
      b.stickyMaxAge(Durations.parse("sticky-max-age", stickyMaxAge));
    }
    if (connectTimeout != null) {
      b.connectTimeout(Durations.parse("connect-timeout", connectTimeout));
    }
    if (responseTimeout != null) {
      b.responseTimeout(Durations.parse("response-timeout", responseTimeout));
    }
    if (idleTimeout != null) {
      b.idleTimeout(Durations.parse("idle-timeout", idleTimeout));
    }
    if (headerTimeout != null) {
      b.headerTimeout(Durations.parse("header-timeout", headerTimeout));
    }
    if (retries != null) {
      b.retries(retries);
    }
    if (maxBodySize != null) {
      b.maxBodySize(Durations.parseSize("max-body-size", maxBodySize));
    }
    if (trustedProxies != null) {
      b.trustedProxies(trustedProxies);
    }
    if (poolMaxIdle != null) {
      b.poolMaxIdle(poolMaxIdle);
    }
    if (poolIdleTimeout != null) {
      b.poolIdleTimeout(Durations.parse("pool-idle-timeout", poolIdleTimeout));
    }
    if (maxRequestLine != null) {
      b.maxRequestLine(maxRequestLine);
    }
    if (maxHeaderSize != null) {
      b.maxHeaderSize(maxHeaderSize);
    }
    b.health(HealthFlags.settings(healthType, healthPath, healthInterval, healthTimeout, healthRise, healthFall));
    if (slowStart != null) {
      b.slowStart(Durations.parse("slow-start", slowStart));
    }
    if (drainTimeout != null) {
      b.drainTimeout(Durations.parse("drain-timeout", drainTimeout));
    }
    if (shutdownTimeout != null) {
      b.shutdownTimeout(Durations.parse("shutdown-timeout", shutdownTimeout));
    }
    if (adminTokenFile != null) {
      b.adminTokenFile(Path.of(adminTokenFile));
    }
    return b.build();
  }

  private static Backend backend(int index, JsonNode node) {
    if (node.isTextual()) {
      return BackendSpec.parse(node.asText());
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(
          "backends[" + index + "]: " + node + " (expected: 'host:port[,weight=N][,id=NAME]' or {address, weight, id})");
    }
    String address = null;
    String id = null;
    int weight = 1;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      switch (f.getKey()) {
        case "address":
          address = f.getValue().asText();
          break;
        case "id":
          id = f.getValue().asText();
          break;
        case "weight":
          if (!f.getValue().canConvertToInt()) {
            throw new IllegalArgumentException("backends[" + index + "].weight: " + f.getValue() + " (expected: 1..1000)");
          }
          weight = f.getValue().asInt();
          break;
        default:
          throw new IllegalArgumentException(
              "unknown key 'backends[" + index + "]." + f.getKey() + "' (expected one of: address, id, weight)");
      }
    }
    if (address == null) {
      throw new IllegalArgumentException("backends[" + index + "].address: missing (expected: host:port)");
    }
    try {
      return Backend.of(id, address, weight);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("backends[" + index + "]: " + e.getMessage(), e);
    }
  }

  private static byte[] base64(String what, String text) {
    try {
      return Base64.getDecoder().decode(text == null ? "" : text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": not base64 (expected: at least 32 random bytes, base64-encoded)");
    }
  }

  /** Lines {@code KEY_ID BASE64_SECRET}; blank lines and {@code #} comments are skipped; the last key signs. */
  static Map<String, byte[]> readKeyFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("sticky-key-file " + file + ": not found");
    } catch (IOException e) {
      throw new ConfigException("sticky-key-file " + file + ": cannot be read (" + e.getMessage() + ")");
    }
    Map<String, byte[]> keys = new java.util.LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).trim();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] parts = l.split("\\s+");
      if (parts.length != 2) {
        errors.add("line " + (i + 1) + " (expected: KEY_ID BASE64_SECRET)");
        continue;
      }
      keys.put(parts[0], base64("sticky-key-file " + file + " line " + (i + 1), parts[1]));
    }
    if (!errors.isEmpty()) {
      throw new ConfigException("sticky-key-file " + file + ": " + errors.get(0));
    }
    if (keys.isEmpty()) {
      throw new ConfigException("sticky-key-file " + file + ": no keys (expected: lines KEY_ID BASE64_SECRET)");
    }
    return keys;
  }
}
