// The model on the bundled sample: EM iterations, fits to convergence, the whole analysis.
// `swift package --disable-sandbox benchmark --target AnalysisBenchmarks`
import Benchmark
import BenchSupport
import IRTModel
import Linalg

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds,
        maxDuration: .seconds(3),
        maxIterations: 200)

    // One EM iteration = FactorModel capped at 101 plain iterations minus capped at 1
    // (both measured; the difference / 100 is the per-iteration cost).
    let emCases: [(String, Int, Int, Int)] = [("43x4 sample", 0, 0, 4), ("200x6 synthetic", 1000, 200, 6)]
    for (label, n, p, k) in emCases {
        for iterations in [1, 101] {
            Benchmark("EM \(label) maxIterations \(iterations)") { benchmark in
                let z: Matrix, anchors: [Double?]
                if n == 0 {
                    (z, anchors) = Inputs.samplePrepared()
                } else {
                    z = Inputs.syntheticZ(n: n, p: p, k: k, seed: 11)
                    anchors = Array(repeating: nil, count: p)
                }
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    blackHole(EMBench.fit(z: z, k: k, anchors: anchors, iterations: iterations))
                }
            }
        }
    }

    for (label, options) in [("SQUAREM", FitOptions()), ("plain", FitOptions(acceleration: .none))] {
        Benchmark("fit to convergence sample \(label)") { benchmark in
            let (z, anchors) = Inputs.samplePrepared()
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(EMBench.converge(z: z, k: 4, anchors: anchors, options: options))
            }
        }
    }

    Benchmark("Analysis.run sample 500 draws", configuration: .init(maxDuration: .seconds(5), maxIterations: 20)) { benchmark in
        let (sweep, noise) = Inputs.sample()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try Analysis(sweep: sweep, noise: noise).run()) }
    }
}
