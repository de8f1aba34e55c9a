package dev.loadstone.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a leaked buffer while it ran. Registered for every test class
 * of every module that has this jar on its test classpath, by JUnit's extension auto-detection (this jar's
 * META-INF/services entry and junit-platform.properties). Installs a leak detector factory whose
 * detectors record reports instead of only logging them; after each class it forces a GC and lets the
 * detectors poll, then fails with the first report.
 */
public final class LeakReportGuard implements AfterAllCallback {
  private static final List<String> LEAKS = new ArrayList<>();

  static {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    for (int i = 0; i < 3; i++) {
      System.gc();
      System.runFinalization();
      for (int j = 0; j < 64; j++) { // leak records are polled when buffers are tracked
        ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(16);
        b.release();
        ByteBuf h = ByteBufAllocator.DEFAULT.heapBuffer(16);
        h.release();
      }
      Thread.onSpinWait();
    }
    String first;
    synchronized (LEAKS) {
      first = LEAKS.isEmpty() ? null : LEAKS.get(0) + (LEAKS.size() > 1 ? "\n(+" + (LEAKS.size() - 1) + " more)" : "");
      LEAKS.clear();
    }
    if (first != null) {
      throw new AssertionError("Netty reported a buffer leak during " + context.getDisplayName() + ":\n" + first);
    }
  }

  private static void record(String report) {
    synchronized (LEAKS) {
      LEAKS.add(report);
    }
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
      return new ResourceLeakDetector<T>(resource, samplingInterval) {
        @Override
        protected void reportTracedLeak(String resourceType, String records) {
          record("LEAK: " + resourceType + records);
          super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
          record("LEAK: " + resourceType + " (untraced)");
          super.reportUntracedLeak(resourceType);
        }

        @Override
        protected boolean needReport() {
          return true;
        }
      };
    }
  }
}
