package dev.loadstone.session;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Java serialization, as an explicit opt-in for applications that keep {@link Serializable} objects in their
 * sessions (Spring Security's {@code SecurityContext}, saved requests, CSRF tokens). Decoding runs under an
 * {@link ObjectInputFilter} (JEP 290) that admits only allowlisted classes plus the JDK classes serialization
 * itself needs for everyday values ({@link JdkAllowlist}: boxed numbers, {@code String} and its
 * case-insensitive comparator, {@code java.math}, the {@code java.util} collections and maps including
 * {@code Map.Entry[]} and the {@code Collections.unmodifiable*}, {@code Set.of}/{@code Map.of} and
 * {@code Arrays.asList} forms, {@code Locale}, {@code UUID}, {@code Date}, every {@code java.time} type), with
 * limits on array length, depth, references and bytes, so a forged or stale value can neither instantiate a
 * gadget class nor allocate a huge array. The same allowlist is checked when encoding, that is at {@code
 * setAttribute}: a value holding any other class fails there with an {@link IllegalArgumentException} naming
 * it, instead of vanishing on the next request.
 *
 * <pre>{@code
 * JavaSerializationCodec codec = JavaSerializationCodec.builder()
 *     .allow(Cart.class, Cart.Line.class)
 *     .allowPattern("com.example.model.**")      // ObjectInputFilter pattern syntax: pkg.* or pkg.**
 *     .build();
 * }</pre>
 */
public final class JavaSerializationCodec implements SessionCodec {
  private final Set<String> classes;
  private final List<String> patterns;
  private final long maxArrayLength;
  private final long maxDepth;
  private final long maxReferences;
  private final long maxBytes;

  private JavaSerializationCodec(Builder b) {
    Set<String> names = new HashSet<>(JdkAllowlist.CLASSES);
    names.addAll(b.classes);
    this.classes = Set.copyOf(names);
    List<String> all = new ArrayList<>(JdkAllowlist.PATTERNS);
    all.addAll(b.patterns);
    this.patterns = List.copyOf(all);
    this.maxArrayLength = b.maxArrayLength;
    this.maxDepth = b.maxDepth;
    this.maxReferences = b.maxReferences;
    this.maxBytes = b.maxBytes;
  }

  /** A codec that decodes only the given classes (plus the JDK classes above), with the default limits. */
  public static JavaSerializationCodec allowing(Collection<Class<?>> classes) {
    return builder().allow(classes).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** True when {@code c} (for an array: its element type) may be serialized in a session. */
  boolean allowed(Class<?> c) {
    boolean array = c.isArray();
    while (c.isArray()) {
      c = c.getComponentType();
    }
    if (c.isPrimitive() || (array && c == Object.class)) {
      return true;
    }
    String name = c.getName();
    if (classes.contains(name)) {
      return true;
    }
    for (String pattern : patterns) {
      if (JdkAllowlist.matches(pattern, name)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public byte[] encode(Object value) {
    Objects.requireNonNull(value, "value");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    String violation;
    try (CheckingOutput out = new CheckingOutput(bytes)) {
      out.writeObject(value);
      violation = out.violation;
    } catch (NotSerializableException e) {
      throw new IllegalArgumentException("session attribute value " + value.getClass().getName() + ": class "
          + e.getMessage() + " is not Serializable (expected: a Serializable type)", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot serialize " + value.getClass().getName() + ": " + e, e);
    }
    if (violation != null) {
      throw new IllegalArgumentException("session attribute value " + value.getClass().getName() + ": " + violation
          + " (expected: classes allowed with JavaSerializationCodec.builder().allow(...) or allowPattern(...))");
    }
    if (bytes.size() > maxBytes) {
      throw new IllegalArgumentException("session attribute value " + value.getClass().getName() + ": " + bytes.size()
          + " bytes serialized (expected: at most " + maxBytes + ")");
    }
    return bytes.toByteArray();
  }

  @Override
  public Object decode(byte[] bytes) {
    Check check = new Check();
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      in.setObjectInputFilter(check);
      Object value = in.readObject();
      // a bare TC_CLASS or TC_CLASSDESC decodes to a Class or an ObjectStreamClass, which the filter never sees
      if (value != null && !allowed(value.getClass())) {
        throw new IllegalArgumentException("serialized session attribute rejected: class " + value.getClass().getName()
            + " is not in the allowlist");
      }
      return value;
    } catch (InvalidClassException e) {
      String why = check.rejected != null ? check.rejected : e.getMessage();
      throw new IllegalArgumentException("serialized session attribute rejected: " + why, e);
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalArgumentException("cannot deserialize session attribute: " + e, e);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) { // a forged stream can make a JDK class's readObject throw anything
      throw new IllegalArgumentException("cannot deserialize session attribute: " + e, e);
    } catch (InternalError e) { // the JDK's own readResolve of Map.of/Set.of data with a forged length (found by fuzzing)
      throw new IllegalArgumentException("cannot deserialize session attribute: " + e, e);
    }
  }

  /** The filter of one decode: the limits, then the allowlist; remembers what it rejected, for the message. */
  private final class Check implements ObjectInputFilter {
    String rejected;

    @Override
    public Status checkInput(FilterInfo info) {
      if (info.arrayLength() < -1) { // -1: not an array (so a forged -1 ends in decode's unchecked-exception catch)
        return reject("array of negative length " + info.arrayLength());
      }
      if (info.arrayLength() > maxArrayLength) {
        return reject("array of length " + info.arrayLength() + " (expected: at most " + maxArrayLength + ")");
      }
      if (info.depth() > maxDepth) {
        return reject("object graph deeper than " + maxDepth);
      }
      if (info.references() > maxReferences) {
        return reject("more than " + maxReferences + " objects");
      }
      if (info.streamBytes() > maxBytes) {
        return reject("more than " + maxBytes + " bytes");
      }
      Class<?> c = info.serialClass();
      if (c == null) {
        return Status.UNDECIDED;
      }
      return allowed(c) ? Status.ALLOWED : reject("class " + c.getName() + " is not in the allowlist");
    }

    private Status reject(String why) {
      if (rejected == null) {
        rejected = why;
      }
      return Status.REJECTED;
    }
  }

  /**
   * Writes as usual, noting the first class outside the allowlist and the first array or object count over its
   * limit. The hooks never throw: when writing fails, ObjectOutputStream serializes the exception into the
   * stream, which would run the hooks again and hide the real cause.
   */
  private final class CheckingOutput extends ObjectOutputStream {
    private long objects;
    String violation;

    CheckingOutput(OutputStream out) throws IOException {
      super(out);
      enableReplaceObject(true);
    }

    private void note(String what) {
      if (violation == null) {
        violation = what;
      }
    }

    @Override
    protected void annotateClass(Class<?> cl) {
      if (!allowed(cl)) {
        note("class " + cl.getName() + " is not in the allowlist");
      }
    }

    @Override
    protected void annotateProxyClass(Class<?> cl) {
      note("proxy class " + cl.getName() + " is not in the allowlist");
    }

    @Override
    protected Object replaceObject(Object obj) {
      if (++objects > maxReferences) {
        note("more than " + maxReferences + " objects");
      }
      if (obj.getClass().isArray() && Array.getLength(obj) > maxArrayLength) {
        note("array of length " + Array.getLength(obj) + " (expected: at most " + maxArrayLength + ")");
      }
      return obj;
    }
  }

  /** Builds a {@link JavaSerializationCodec}; each limit at most once, classes and patterns added up. */
  public static final class Builder {
    private final Set<String> classes = new HashSet<>();
    private final List<String> patterns = new ArrayList<>();
    private long maxArrayLength = 100_000;
    private long maxDepth = 64;
    private long maxReferences = 100_000;
    private long maxBytes = 4 << 20;
    private final Set<String> limitsSet = new HashSet<>();

    private Builder() {}

    /** Allows these classes (exactly these: subclasses need their own entry). */
    public Builder allow(Class<?>... types) {
      return allow(List.of(types));
    }

    public Builder allow(Collection<Class<?>> types) {
      for (Class<?> c : types) {
        if (!Serializable.class.isAssignableFrom(c) && !c.isInterface()) {
          throw new IllegalArgumentException("class " + c.getName() + " (expected: a Serializable class)");
        }
        classes.add(c.getName());
      }
      return this;
    }

    /** Allows classes by name: {@code com.example.Cart}, {@code com.example.*} (a package), {@code com.example.**} (and subpackages). */
    public Builder allowPattern(String... namePatterns) {
      for (String p : namePatterns) {
        JdkAllowlist.checkPattern(p);
        if (p.endsWith("*")) {
          patterns.add(p);
        } else {
          classes.add(p);
        }
      }
      return this;
    }

    /** Applies a preset (a framework's classes and patterns). */
    public Builder apply(Consumer<Builder> preset) {
      preset.accept(this);
      return this;
    }

    /** Longest array decoded; default 100 000. */
    public Builder maxArrayLength(long max) {
      maxArrayLength = limit("maxArrayLength", max);
      return this;
    }

    /** Deepest object nesting decoded; default 64. */
    public Builder maxDepth(long max) {
      maxDepth = limit("maxDepth", max);
      return this;
    }

    /** Most objects in one attribute value; default 100 000. */
    public Builder maxReferences(long max) {
      maxReferences = limit("maxReferences", max);
      return this;
    }

    /** Largest serialized attribute value; default 4 MiB. */
    public Builder maxBytes(long max) {
      maxBytes = limit("maxBytes", max);
      return this;
    }

    private long limit(String option, long value) {
      if (!limitsSet.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
      if (value < 1) {
        throw new IllegalArgumentException(option + ": " + value + " (expected: >= 1)");
      }
      return value;
    }

    public JavaSerializationCodec build() {
      return new JavaSerializationCodec(this);
    }
  }
}
