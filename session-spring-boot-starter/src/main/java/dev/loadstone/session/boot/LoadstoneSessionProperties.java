package dev.loadstone.session.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * {@code loadstone.session.*}: what is Loadstone's own. The Redis connection comes from {@code spring.data.redis.*}
 * and the idle timeout and cookie from {@code server.servlet.session.*}, as Boot users already set them.
 */
@ConfigurationProperties("loadstone.session")
public class LoadstoneSessionProperties {
  /** Whether the session filter replaces the container's HttpSession. */
  private boolean enabled = true;

  /** Where sessions live: memory (one node), redis (shared, spring.data.redis.*) or token (signed cookies). */
  private StoreType store = StoreType.MEMORY;

  /** Longest life of a session from its creation, whatever its activity (0 = none; tokens always need one). */
  private Duration absoluteTimeout = Duration.ofHours(12);

  /** Order of the session filter: before Spring Security's filter chain (-100) and anything else using sessions. */
  private int filterOrder = Integer.MIN_VALUE + 50;

  /** What a request gets when the store cannot be reached: respond-503 (with Retry-After), or continue without a session. */
  private StoreDownPolicy onStoreUnavailable = StoreDownPolicy.RESPOND_503;

  /** The Retry-After of the 503 answered while the store cannot be reached. */
  private Duration retryAfter = Duration.ofSeconds(5);

  /** A request header that also carries the session handle, for API clients (e.g. X-Auth-Token); none by default. */
  private String sessionIdHeader;

  /** Whether the handle travels in the cookie; false: only in session-id-header. */
  private boolean sessionIdCookie = true;

  private final Codec codec = new Codec();
  private final Memory memory = new Memory();
  @NestedConfigurationProperty
  private final RedisSessionProperties redis = new RedisSessionProperties();
  @NestedConfigurationProperty
  private final TokenSessionProperties token = new TokenSessionProperties();

  public enum StoreType { MEMORY, REDIS, TOKEN }

  public enum StoreDownPolicy { RESPOND_503, CONTINUE }

  public enum CodecType { JSON, JAVA }

  public enum NearCacheValidation { TRACKING, VERSION_CHECK }

  /** How attribute values become bytes. */
  public static class Codec {
    /** json (keeps Java types, readable, survives upgrades) or java (Serializable values, with an allowlist). */
    private CodecType type = CodecType.JSON;

    /** With Spring Security on the classpath: store its session values (SecurityContext, CSRF token, saved request). */
    private boolean springSecurity = true;

    /** json: the application's own types, as tag = fully qualified class name (keep a tag when its class is renamed). */
    private Map<String, Class<?>> types = new LinkedHashMap<>();

    /** java: classes and package patterns (com.example.*, com.example.**) allowed besides the JDK's everyday classes. */
    private List<String> allow = new ArrayList<>();

    public CodecType getType() {
      return type;
    }

    public void setType(CodecType type) {
      this.type = type;
    }

    public boolean isSpringSecurity() {
      return springSecurity;
    }

    public void setSpringSecurity(boolean springSecurity) {
      this.springSecurity = springSecurity;
    }

    public Map<String, Class<?>> getTypes() {
      return types;
    }

    public void setTypes(Map<String, Class<?>> types) {
      this.types = types;
    }

    public List<String> getAllow() {
      return allow;
    }

    public void setAllow(List<String> allow) {
      this.allow = allow;
    }
  }

  /** store=memory: sessions in this JVM only. */
  public static class Memory {
    /** Most sessions kept; the least recently used beyond it are dropped. */
    private long maximumSize = 100_000;

    /** How often sessions that timed out are looked for (to report them to listeners). */
    private Duration expirySweepInterval = Duration.ofSeconds(10);

    public long getMaximumSize() {
      return maximumSize;
    }

    public void setMaximumSize(long maximumSize) {
      this.maximumSize = maximumSize;
    }

    public Duration getExpirySweepInterval() {
      return expirySweepInterval;
    }

    public void setExpirySweepInterval(Duration expirySweepInterval) {
      this.expirySweepInterval = expirySweepInterval;
    }
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public StoreType getStore() {
    return store;
  }

  public void setStore(StoreType store) {
    this.store = store;
  }

  public Duration getAbsoluteTimeout() {
    return absoluteTimeout;
  }

  public void setAbsoluteTimeout(Duration absoluteTimeout) {
    this.absoluteTimeout = absoluteTimeout;
  }

  public int getFilterOrder() {
    return filterOrder;
  }

  public void setFilterOrder(int filterOrder) {
    this.filterOrder = filterOrder;
  }

  public StoreDownPolicy getOnStoreUnavailable() {
    return onStoreUnavailable;
  }

  public void setOnStoreUnavailable(StoreDownPolicy onStoreUnavailable) {
    this.onStoreUnavailable = onStoreUnavailable;
  }

  public Duration getRetryAfter() {
    return retryAfter;
  }

  public void setRetryAfter(Duration retryAfter) {
    this.retryAfter = retryAfter;
  }

  public String getSessionIdHeader() {
    return sessionIdHeader;
  }

  public void setSessionIdHeader(String sessionIdHeader) {
    this.sessionIdHeader = sessionIdHeader;
  }

  public boolean isSessionIdCookie() {
    return sessionIdCookie;
  }

  public void setSessionIdCookie(boolean sessionIdCookie) {
    this.sessionIdCookie = sessionIdCookie;
  }

  public Codec getCodec() {
    return codec;
  }

  public Memory getMemory() {
    return memory;
  }

  public RedisSessionProperties getRedis() {
    return redis;
  }

  public TokenSessionProperties getToken() {
    return token;
  }
}
