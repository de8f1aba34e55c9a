package dev.loadstone.session;

import java.util.List;
import java.util.Set;

/**
 * The JDK classes {@link JavaSerializationCodec} always allows: value types, and the internals serialization
 * itself asks the filter about for everyday collections ({@code HashMap} and {@code HashSet} check a
 * {@code Map.Entry[]} before sizing their table; {@code Set.of}/{@code Map.of}/{@code List.of} travel as
 * {@code CollSer}; {@code java.time} values as {@code java.time.Ser}). Deliberately absent: anything whose
 * deserialization does I/O or runs code ({@code java.net.URL}, {@code InetAddress}, proxies, {@code Class}),
 * the classic gadget entry points.
 */
final class JdkAllowlist {
  private JdkAllowlist() {}

  static final Set<String> CLASSES = Set.of(
      // java.lang values
      "java.lang.String", "java.lang.String$CaseInsensitiveComparator", "java.lang.Boolean", "java.lang.Character",
      "java.lang.Number", "java.lang.Byte", "java.lang.Short", "java.lang.Integer", "java.lang.Long",
      "java.lang.Float", "java.lang.Double", "java.lang.Enum",
      "java.math.BigInteger", "java.math.BigDecimal",
      // java.util values
      "java.util.Date", "java.util.UUID", "java.util.Locale", "java.util.Currency", "java.util.BitSet",
      // lists, sets, maps, queues
      "java.util.ArrayList", "java.util.LinkedList", "java.util.ArrayDeque", "java.util.Vector",
      "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap", "java.util.IdentityHashMap",
      "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet", "java.util.EnumMap",
      "java.util.EnumSet$SerializationProxy", "java.util.PriorityQueue",
      "java.util.Map$Entry", "java.util.AbstractMap$SimpleEntry", "java.util.AbstractMap$SimpleImmutableEntry",
      "java.util.Arrays$ArrayList", "java.util.CollSer",
      "java.util.ImmutableCollections$List12", "java.util.ImmutableCollections$ListN",
      "java.util.ImmutableCollections$Set12", "java.util.ImmutableCollections$SetN",
      "java.util.ImmutableCollections$Map1", "java.util.ImmutableCollections$MapN",
      // Collections' views and singletons
      "java.util.Collections$UnmodifiableCollection", "java.util.Collections$UnmodifiableList",
      "java.util.Collections$UnmodifiableRandomAccessList", "java.util.Collections$UnmodifiableSet",
      "java.util.Collections$UnmodifiableSortedSet", "java.util.Collections$UnmodifiableNavigableSet",
      "java.util.Collections$UnmodifiableMap", "java.util.Collections$UnmodifiableSortedMap",
      "java.util.Collections$UnmodifiableNavigableMap", "java.util.Collections$SynchronizedCollection",
      "java.util.Collections$SynchronizedList", "java.util.Collections$SynchronizedRandomAccessList",
      "java.util.Collections$SynchronizedSet", "java.util.Collections$SynchronizedSortedSet",
      "java.util.Collections$SynchronizedMap", "java.util.Collections$SynchronizedSortedMap",
      "java.util.Collections$EmptyList", "java.util.Collections$EmptySet", "java.util.Collections$EmptyMap",
      "java.util.Collections$SingletonList", "java.util.Collections$SingletonSet",
      "java.util.Collections$SingletonMap", "java.util.Collections$ReverseComparator",
      "java.util.Collections$ReverseComparator2",
      // java.util.concurrent
      "java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.ConcurrentHashMap$Segment",
      "java.util.concurrent.CopyOnWriteArrayList", "java.util.concurrent.CopyOnWriteArraySet",
      "java.util.concurrent.ConcurrentSkipListMap", "java.util.concurrent.ConcurrentSkipListSet",
      "java.util.concurrent.ConcurrentLinkedQueue", "java.util.concurrent.atomic.AtomicInteger",
      "java.util.concurrent.atomic.AtomicLong", "java.util.concurrent.atomic.AtomicBoolean",
      "java.util.concurrent.locks.ReentrantLock", "java.util.concurrent.locks.ReentrantLock$NonfairSync",
      "java.util.concurrent.locks.AbstractQueuedSynchronizer",
      "java.util.concurrent.locks.AbstractOwnableSynchronizer",
      "java.net.URI");

  /** Every java.time type (all travel as java.time.Ser or java.time.zone.Ser). */
  static final List<String> PATTERNS = List.of("java.time.**");

  /** ObjectInputFilter-style matching: {@code pkg.*} a package's classes, {@code pkg.**} and its subpackages. */
  static boolean matches(String pattern, String className) {
    if (pattern.endsWith(".**")) {
      return className.startsWith(pattern.substring(0, pattern.length() - 2));
    }
    if (pattern.endsWith(".*")) {
      String pkg = pattern.substring(0, pattern.length() - 1);
      return className.startsWith(pkg) && className.indexOf('.', pkg.length()) < 0;
    }
    if (pattern.endsWith("*")) {
      return className.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return className.equals(pattern);
  }

  static void checkPattern(String pattern) {
    if (pattern == null || pattern.isBlank() || pattern.equals("*") || pattern.equals("**")
        || pattern.startsWith("!") || pattern.contains(";") || pattern.contains("=")) {
      throw new IllegalArgumentException("allowPattern: '" + pattern
          + "' (expected: a class name, pkg.* or pkg.**; allowing everything defeats the filter)");
    }
  }
}
