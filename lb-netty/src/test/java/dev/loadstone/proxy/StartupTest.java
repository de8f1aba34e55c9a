package dev.loadstone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StartupTest {
  @Test
  void nettyJfrEventsAreOffUnlessTheCommandLineTurnsThemOn() {
    String before = System.getProperty(Main.NETTY_JFR);
    try {
      System.clearProperty(Main.NETTY_JFR);
      Main.nettyDefaults();
      assertThat(System.getProperty(Main.NETTY_JFR)).isEqualTo("false");
      System.setProperty(Main.NETTY_JFR, "true"); // -Dio.netty.jfr.enabled=true
      Main.nettyDefaults();
      assertThat(System.getProperty(Main.NETTY_JFR)).isEqualTo("true");
    } finally {
      if (before == null) {
        System.clearProperty(Main.NETTY_JFR);
      } else {
        System.setProperty(Main.NETTY_JFR, before);
      }
    }
  }

  @Test
  void warmupEndsOnItsOwnAndHoldsNoJvmUp() throws InterruptedException {
    Thread warmup = Warmup.start();
    assertThat(warmup.isDaemon()).isTrue();
    Warmup.await(warmup);
    assertThat(warmup.isAlive()).isFalse();
    Warmup.await(null); // main() not run: nothing to wait for
  }

  @Test
  void theDescriptorLimitIsTheOneTheOperatingSystemMxBeanReports() {
    long fds = ((com.sun.management.UnixOperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getMaxFileDescriptorCount();
    assertThat(ConnectionLimit.maxFileDescriptors()).isEqualTo(fds);
  }
}
