package dev.loadstone.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AliasTableTest {

  /** Counts of sampleHalf over 2^20 evenly spaced 32-bit values (a uniform sweep of the input space). */
  private static long[] sweepHalves(AliasTable table, int n) {
    long[] counts = new long[n];
    for (long k = 0; k < 1 << 20; k++) {
      counts[table.sampleHalf(k << 12 | 0x5a5)]++;
    }
    return counts;
  }

  @Test
  void halfWordSamplesFollowTheWeightsToWithinTheGridResolution() {
    double[] weights = {1, 2, 3, 4, 10, 0.5};
    double total = 20.5;
    AliasTable table = new AliasTable(weights);
    assertThat(table.isUniform()).isFalse();
    long[] counts = sweepHalves(table, weights.length);
    for (int i = 0; i < weights.length; i++) {
      assertThat(counts[i] / (double) (1 << 20)).as("backend %d", i).isCloseTo(weights[i] / total, within(1e-4));
    }
  }

  @Test
  void equalWeightsSampleEveryColumnEquallyWithoutATable() {
    AliasTable table = new AliasTable(new double[] {7, 7, 7, 7, 7});
    assertThat(table.isUniform()).isTrue();
    long[] counts = sweepHalves(table, 5);
    for (long c : counts) {
      assertThat(c / (double) (1 << 20)).isCloseTo(0.2, within(1e-5));
    }
  }

  @Test
  void scriptedValuesLandOnAndKeepTheirColumns() {
    AliasTable table = new AliasTable(new double[] {3, 1, 1, 9, 2});
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        long r = AliasTable.drawPairFor(i, j, 5);
        assertThat(table.sampleHalf(r >>> 32)).isEqualTo(i);
        assertThat(table.sampleHalf(r & 0xffffffffL)).isEqualTo(j);
      }
      long single = AliasTable.drawFor(i, 5);
      assertThat(table.sample(new java.util.random.RandomGenerator() {
        @Override
        public long nextLong() {
          return single;
        }
      })).isEqualTo(i);
    }
  }
}
