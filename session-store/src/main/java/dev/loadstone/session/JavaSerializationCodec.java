package dev.loadstone.session;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Java serialization, only as an explicit opt-in for applications that keep {@link Serializable} objects in
 * their sessions. Decoding runs under an {@link ObjectInputFilter} (JEP 290) that admits only the allowlisted
 * classes, the boxed primitives, {@code String} and the common {@code java.util} collections, with bounded
 * depth and size, so a forged or stale value cannot instantiate a gadget class.
 */
public final class JavaSerializationCodec implements SessionCodec {
  private static final Set<String> ALWAYS_ALLOWED = Set.of(
      "java.lang.String", "java.lang.Boolean", "java.lang.Character", "java.lang.Number", "java.lang.Byte",
      "java.lang.Short", "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double",
      "java.lang.Enum", "java.math.BigInteger", "java.math.BigDecimal", "java.util.ArrayList",
      "java.util.LinkedList", "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap",
      "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet", "java.util.CollSer",
      "java.util.ImmutableCollections$ListN", "java.util.ImmutableCollections$List12",
      "java.time.Ser", "java.util.Date", "java.util.UUID");

  private final Set<String> allowed;
  private final ObjectInputFilter filter;

  private JavaSerializationCodec(Set<String> allowed) {
    this.allowed = allowed;
    this.filter = this::check;
  }

  /** A codec that decodes only the given classes (plus basic JDK value and collection types). */
  public static JavaSerializationCodec allowing(Collection<Class<?>> classes) {
    Set<String> names = new HashSet<>(ALWAYS_ALLOWED);
    for (Class<?> c : classes) {
      if (!Serializable.class.isAssignableFrom(c)) {
        throw new IllegalArgumentException("class " + c.getName() + " (expected: a Serializable class)");
      }
      names.add(c.getName());
    }
    return new JavaSerializationCodec(Set.copyOf(names));
  }

  private ObjectInputFilter.Status check(ObjectInputFilter.FilterInfo info) {
    if (info.depth() > 20 || info.references() > 10_000 || info.streamBytes() > 1 << 20) {
      return ObjectInputFilter.Status.REJECTED;
    }
    Class<?> c = info.serialClass();
    if (c == null) {
      return ObjectInputFilter.Status.UNDECIDED;
    }
    boolean array = c.isArray();
    while (c.isArray()) {
      c = c.getComponentType();
    }
    if (c.isPrimitive() || allowed.contains(c.getName()) || (array && c == Object.class)) {
      return ObjectInputFilter.Status.ALLOWED;
    }
    return ObjectInputFilter.Status.REJECTED;
  }

  @Override
  public byte[] encode(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (NotSerializableException e) {
      throw new IllegalArgumentException("value: " + value.getClass().getName() + " (expected: a Serializable type)", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot serialize " + value.getClass().getName() + ": " + e, e);
    }
    return bytes.toByteArray();
  }

  @Override
  public Object decode(byte[] bytes) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      in.setObjectInputFilter(filter);
      return in.readObject();
    } catch (InvalidClassException e) {
      throw new IllegalArgumentException("class not allowed or changed: " + e.getMessage(), e);
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalArgumentException("cannot deserialize session attribute: " + e, e);
    }
  }
}
