/// Wall-clock timing shared by the benchmark executables.
public enum WallClock {
    /// The clock every benchmark reads.
    public static let clock = ContinuousClock()

    /// A duration in seconds.
    public static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Best wall time of `body` over `runs` runs (at least 1), and its last result.
    ///
    /// - Complexity: `runs` calls of `body`.
    public static func best<R>(runs: Int = 3, _ body: () throws -> R) rethrows -> (seconds: Double, result: R) {
        precondition(runs >= 1, "at least one run")
        var bestTime = Double.infinity
        var result: R?
        for _ in 0..<runs {
            let t0 = clock.now
            result = try body()
            bestTime = min(bestTime, seconds(clock.now - t0))
        }
        return (bestTime, result!)
    }
}
