package dev.loadstone.session.boot;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The Redis connection as Boot users configure it, {@code spring.data.redis.*} (the same keys in Boot 3.5 and 4),
 * turned into what session-redis takes: a {@code redis://} / {@code rediss://} / {@code redis-sentinel://} URI or
 * Cluster seeds, credentials in them. Read from the environment directly, so neither Spring Data Redis nor a
 * Boot-version-specific properties class is needed. Settings it cannot honour fail at start-up, naming the key.
 */
final class SpringDataRedis {
  /** {@code spring.data.redis.*}, as bound. */
  public static class Settings {
    private String url;
    private String host = "localhost";
    private int port = 6379;
    private int database;
    private String username;
    private String password;
    private Duration timeout;
    private Duration connectTimeout;
    private Ssl ssl = new Ssl();
    private Sentinel sentinel;
    private Cluster cluster;
    private Masterreplica masterreplica;

    public static class Ssl {
      private Boolean enabled;
      private String bundle;

      public Boolean getEnabled() { return enabled; }
      public void setEnabled(Boolean enabled) { this.enabled = enabled; }
      public String getBundle() { return bundle; }
      public void setBundle(String bundle) { this.bundle = bundle; }
    }

    public static class Sentinel {
      private String master;
      private List<String> nodes = new ArrayList<>();
      private String username;
      private String password;

      public String getMaster() { return master; }
      public void setMaster(String master) { this.master = master; }
      public List<String> getNodes() { return nodes; }
      public void setNodes(List<String> nodes) { this.nodes = nodes; }
      public String getUsername() { return username; }
      public void setUsername(String username) { this.username = username; }
      public String getPassword() { return password; }
      public void setPassword(String password) { this.password = password; }
    }

    public static class Cluster {
      private List<String> nodes = new ArrayList<>();

      public List<String> getNodes() { return nodes; }
      public void setNodes(List<String> nodes) { this.nodes = nodes; }
    }

    public static class Masterreplica {
      private List<String> nodes = new ArrayList<>();

      public List<String> getNodes() { return nodes; }
      public void setNodes(List<String> nodes) { this.nodes = nodes; }
    }

    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public String getHost() { return host; }
    public void setHost(String host) { this.host = host; }
    public int getPort() { return port; }
    public void setPort(int port) { this.port = port; }
    public int getDatabase() { return database; }
    public void setDatabase(int database) { this.database = database; }
    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public Duration getTimeout() { return timeout; }
    public void setTimeout(Duration timeout) { this.timeout = timeout; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    public Ssl getSsl() { return ssl; }
    public void setSsl(Ssl ssl) { this.ssl = ssl; }
    public Sentinel getSentinel() { return sentinel; }
    public void setSentinel(Sentinel sentinel) { this.sentinel = sentinel; }
    public Cluster getCluster() { return cluster; }
    public void setCluster(Cluster cluster) { this.cluster = cluster; }
    public Masterreplica getMasterreplica() { return masterreplica; }
    public void setMasterreplica(Masterreplica masterreplica) { this.masterreplica = masterreplica; }
  }

  /** Where to connect: exactly one of {@code uri} and {@code clusterSeeds}. */
  record Connection(String uri, List<String> clusterSeeds, Duration commandTimeout, Duration connectTimeout) {}

  private SpringDataRedis() {}

  static Settings bind(Environment environment) {
    return Binder.get(environment).bind("spring.data.redis", Bindable.of(Settings.class)).orElseGet(Settings::new);
  }

  static Connection connection(Settings s) {
    if (s.getSsl().getBundle() != null) {
      throw new IllegalStateException("spring.data.redis.ssl.bundle: " + s.getSsl().getBundle() + " (expected: not set; "
          + "Loadstone sessions use TLS with the JVM's trust store: spring.data.redis.ssl.enabled=true or a rediss:// url)");
    }
    if (s.getMasterreplica() != null && !s.getMasterreplica().getNodes().isEmpty()) {
      throw new IllegalStateException("spring.data.redis.masterreplica.nodes: " + s.getMasterreplica().getNodes()
          + " (expected: not set; Loadstone sessions connect to a standalone Redis, a Sentinel-managed one or a Cluster)");
    }
    boolean tls = Boolean.TRUE.equals(s.getSsl().getEnabled());
    String scheme = tls ? "rediss://" : "redis://";
    if (s.getCluster() != null && !s.getCluster().getNodes().isEmpty()) {
      List<String> seeds = new ArrayList<>();
      for (String node : s.getCluster().getNodes()) {
        seeds.add(scheme + userInfo(s.getUsername(), s.getPassword()) + node);
      }
      return new Connection(null, seeds, s.getTimeout(), s.getConnectTimeout());
    }
    if (s.getSentinel() != null && s.getSentinel().getMaster() != null) {
      if (s.getSentinel().getPassword() != null || s.getSentinel().getUsername() != null) {
        throw new IllegalStateException("spring.data.redis.sentinel.password: set (expected: not set; Loadstone sessions "
            + "authenticate to Sentinel with spring.data.redis.username/password, the ones of the data nodes)");
      }
      String nodes = String.join(",", s.getSentinel().getNodes());
      return new Connection((tls ? "rediss-sentinel://" : "redis-sentinel://") + userInfo(s.getUsername(), s.getPassword())
          + nodes + "/" + s.getDatabase() + "#" + s.getSentinel().getMaster(), null, s.getTimeout(), s.getConnectTimeout());
    }
    if (s.getUrl() != null && !s.getUrl().isBlank()) {
      String url = s.getUrl();
      if (tls && url.startsWith("redis://")) {
        url = "rediss://" + url.substring("redis://".length());
      }
      return new Connection(url, null, s.getTimeout(), s.getConnectTimeout());
    }
    String host = s.getHost().contains(":") && !s.getHost().startsWith("[") ? "[" + s.getHost() + "]" : s.getHost();
    return new Connection(scheme + userInfo(s.getUsername(), s.getPassword()) + host + ":" + s.getPort() + "/"
        + s.getDatabase(), null, s.getTimeout(), s.getConnectTimeout());
  }

  /** {@code user:password@}, percent-encoded (Lettuce decodes the user info of the URI). */
  private static String userInfo(String username, String password) {
    if (password == null || password.isEmpty()) {
      return ""; // Lettuce reads a lone user info as a password: a user name without one means no authentication
    }
    return (username == null ? "" : encode(username)) + ":" + encode(password) + "@";
  }

  private static String encode(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return out.toString();
  }
}
