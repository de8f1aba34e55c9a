package dev.loadstone.session.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real 3-master Redis Cluster (no replicas) on free loopback ports, made of {@link RedisServerProcess}es in
 * cluster mode and joined with {@code redis-cli --cluster create}. Nodes can be killed and restarted on the same
 * ports; a restarted node keeps its nodes.conf and rejoins with its slots (its data is gone).
 */
public final class RedisCluster implements AutoCloseable {
  private final List<RedisServerProcess> nodes;

  private RedisCluster(List<RedisServerProcess> nodes) {
    this.nodes = new java.util.concurrent.CopyOnWriteArrayList<>(nodes);
  }

  public static RedisCluster start() {
    if (RedisServerProcess.binaryOnPath("redis-cli") == null) {
      throw new IllegalStateException("redis-cli is not on PATH: the Cluster tests need it (apt-get install redis-server)");
    }
    List<RedisServerProcess> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        int bus = RedisServerProcess.freePort();
        nodes.add(RedisServerProcess.start(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-port", Integer.toString(bus), "--cluster-node-timeout", "5000")));
      }
      List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      for (RedisServerProcess n : nodes) {
        cmd.add("127.0.0.1:" + n.port());
      }
      cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      Path log = nodes.get(0).dir().resolve("cluster-create.log");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("redis-cli --cluster create failed: " + Files.readString(log));
      }
      RedisCluster cluster = new RedisCluster(nodes);
      cluster.awaitOk();
      return cluster;
    } catch (IOException | RuntimeException e) {
      nodes.forEach(RedisServerProcess::close);
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    } catch (InterruptedException e) {
      nodes.forEach(RedisServerProcess::close);
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public List<RedisServerProcess> nodes() {
    return nodes;
  }

  /** Seed URIs of all nodes. */
  public List<String> seeds() {
    return nodes.stream().map(RedisServerProcess::uri).toList();
  }

  /** The node serving the slot of {@code key}. */
  public RedisServerProcess nodeFor(String key) {
    long slot = (Long) nodes.get(0).call("CLUSTER", "KEYSLOT", key);
    for (RedisServerProcess n : nodes) {
      if (!n.isRunning()) {
        continue;
      }
      Object owner = n.call("CLUSTER", "SLOTS");
      for (Object range : (List<?>) owner) {
        List<?> r = (List<?>) range;
        if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) {
          long port = (Long) ((List<?>) r.get(2)).get(1);
          return nodes.stream().filter(x -> x.port() == port).findFirst().orElseThrow();
        }
      }
    }
    throw new IllegalStateException("no node serves slot " + slot);
  }

  /**
   * Starts a fourth node and adds it as a replica of {@code master}; returns once the replica is in sync, so a
   * {@code CLUSTER FAILOVER} on it can promote it.
   */
  public RedisServerProcess addReplicaOf(RedisServerProcess master) {
    int bus = RedisServerProcess.freePort();
    RedisServerProcess replica = RedisServerProcess.start(List.of("--cluster-enabled", "yes", "--cluster-config-file",
        "nodes.conf", "--cluster-port", Integer.toString(bus), "--cluster-node-timeout", "5000"));
    nodes.add(replica);
    String masterId = String.valueOf(master.call("CLUSTER", "MYID"));
    try {
      Path log = replica.dir().resolve("add-node.log");
      Process p = new ProcessBuilder("redis-cli", "--cluster", "add-node", "127.0.0.1:" + replica.port(),
          "127.0.0.1:" + master.port(), "--cluster-slave", "--cluster-master-id", masterId)
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("redis-cli --cluster add-node failed: " + Files.readString(log));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String info = String.valueOf(replica.call("INFO", "replication"));
      if (info.contains("master_link_status:up")) {
        awaitOk();
        return replica;
      }
      RedisServerProcess.waitMillis(100);
    }
    throw new IllegalStateException("replica on port " + replica.port() + " did not sync within 30 s");
  }

  /** Waits (bounded) until every running node reports cluster_state:ok. */
  public void awaitOk() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      boolean ok = true;
      for (RedisServerProcess n : nodes) {
        if (!n.isRunning() || !String.valueOf(n.call("CLUSTER", "INFO")).contains("cluster_state:ok")) {
          ok = false;
          break;
        }
      }
      if (ok) {
        return;
      }
      RedisServerProcess.waitMillis(100);
    }
    throw new IllegalStateException("cluster did not reach cluster_state:ok within 30 s");
  }

  @Override
  public void close() {
    nodes.forEach(RedisServerProcess::close);
  }
}
