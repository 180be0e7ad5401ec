package io.outflux.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClientRatesTest {

  private final ClientRates rates = new ClientRates();

  @Test
  void theRateIsTheLinesStoredBetweenTwoSamplesOverTheTimeBetweenThem() {
    assertEquals(new ClientRates.Rate(0, 0), rates.sample("edge", 10_000), "no rate before a first sample");
    rates.stored("edge", 500);
    rates.stored("edge", 1500);
    assertEquals(new ClientRates.Rate(2000, 1000.0), rates.sample("edge", 12_000));
    assertEquals(new ClientRates.Rate(2000, 0.0), rates.sample("edge", 13_000), "nothing stored since");
    rates.stored("edge", 1);
    assertEquals(new ClientRates.Rate(2001, 0.3), rates.sample("edge", 16_000), "one decimal");
  }

  @Test
  void clientsAreCountedSeparately() {
    rates.sample("a", 0);
    rates.sample("b", 0);
    rates.stored("a", 100);
    rates.stored("b", 0);
    rates.stored("b", -5);
    assertEquals(100.0, rates.sample("a", 1000).linesPerSecond());
    assertEquals(new ClientRates.Rate(0, 0.0), rates.sample("b", 1000));
  }

  @Test
  void aSecondSampleInTheSameMillisecondDoesNotDivideByZero() {
    rates.sample("edge", 5);
    rates.stored("edge", 10);
    assertEquals(new ClientRates.Rate(10, 0.0), rates.sample("edge", 5));
  }
}
