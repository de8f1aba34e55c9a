package dev.loadstone.proxy.admin;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.util.List;

/**
 * Micrometer's standard binders: JVM memory (heap, non-heap, buffer pools), GC, threads, class loading, JVM
 * info; process CPU, uptime and file descriptors ({@code process_files_open_files} against
 * {@code process_files_max_files}: the {@code ulimit -n} headroom); and Netty's default allocator, whose
 * direct memory the JVM's buffer-pool gauges do not see ({@code netty_allocator_memory_used}).
 */
final class JvmAndProcess {
  private JvmAndProcess() {}

  /**
   * The filters, configured before any meter is registered: two binder meters
   * that {@code promtool check metrics} flags are left out ({@code system_cpu_count} ends in {@code _count},
   * {@code process_cpu_time_ns_total} names a unit; {@code process_cpu_usage} stays), and meters without a
   * description get one, so the scrape stays lint-clean.
   */
  static void filters(MeterRegistry registry) {
    registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("system.cpu.count") || id.getName().equals("process.cpu.time")));
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getDescription() != null ? id
            : new Meter.Id(id.getName(), Tags.of(id.getTags()), id.getBaseUnit(), "Micrometer binder meter " + id.getName(), id.getType());
      }
    });
  }

  /** Binds them all to {@code registry} (after {@link #filters}); closeable binders are added to {@code closeables}. */
  static void bind(MeterRegistry registry, List<AutoCloseable> closeables) {
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    closeables.add(gc);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
      new NettyAllocatorMetrics(provider).bindTo(registry);
    }
  }
}
