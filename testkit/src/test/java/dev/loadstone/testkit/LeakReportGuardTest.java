package dev.loadstone.testkit;

import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The guard must fail a class that leaks a buffer (and only such a class), or it guards nothing. */
class LeakReportGuardTest {

  private static Events runClass(Class<?> testClass) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
        .selectors(DiscoverySelectors.selectClass(testClass))
        .execute()
        .containerEvents();
  }

  @Test
  void aTestClassThatLeaksABufferFailsNamingTheLeak() {
    runClass(Leaking.class).assertThatEvents().haveExactly(1,
        event(container(Leaking.class), finishedWithFailure(instanceOf(AssertionError.class),
            message(m -> m.startsWith("Netty reported a buffer leak during LeakReportGuardTest$Leaking") && m.contains("LEAK: ByteBuf")))));
  }

  @Test
  void aTestClassThatReleasesWhatItAllocatesPasses() {
    runClass(Releasing.class).assertThatEvents().haveExactly(1, event(container(Releasing.class), finishedSuccessfully()));
  }

  /** Run only through {@link EngineTestKit} (nested classes are not picked up by surefire). */
  static class Leaking {
    @Test
    void allocatesAndDropsABuffer() {
      ByteBuf leaked = ByteBufAllocator.DEFAULT.directBuffer(64);
      leaked.writeLong(42L); // never released
    }
  }

  static class Releasing {
    @Test
    void allocatesAndReleasesABuffer() {
      ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(64);
      try {
        b.writeLong(42L);
      } finally {
        b.release();
      }
    }
  }
}
