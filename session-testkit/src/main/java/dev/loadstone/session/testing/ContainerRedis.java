package dev.loadstone.session.testing;

import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/** The Testcontainers fallback of {@link RedisServerProcess}, used only when no redis-server binary is on PATH. */
final class ContainerRedis {
  private final GenericContainer<?> container;
  private final int port;

  private ContainerRedis(GenericContainer<?> container, int port) {
    this.container = container;
    this.port = port;
  }

  static ContainerRedis startOrFail() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      throw new IllegalStateException("The session tests need Redis: no redis-server binary on PATH and no "
          + "Docker engine reachable for Testcontainers. Install it (apt-get install redis-server, as .ci/run does).");
    }
    int port = RedisServerProcess.freePort();
    GenericContainer<?> c = new GenericContainer<>("redis:7.0");
    c.withExposedPorts(6379).withCommand("redis-server", "--save", "", "--appendonly", "no");
    c.setPortBindings(List.of("127.0.0.1:" + port + ":6379"));
    c.start();
    return new ContainerRedis(c, port);
  }

  int port() {
    return port;
  }

  boolean isRunning() {
    return container.isRunning();
  }

  void stop() {
    container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
  }

  void close() {
    container.stop();
  }

  void restart() {
    container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
  }
}
