// Linalg (BLAS/LAPACK) against LinalgReference (pure Swift) on the same inputs.
// `swift package --disable-sandbox benchmark --target LinalgBenchmarks`
import Benchmark
import BenchSupport
import Linalg
import LinalgReference

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .microseconds,
        maxDuration: .seconds(2),
        maxIterations: 1_000)
    let slow = Benchmark.Configuration(
        metrics: [.wallClock, .throughput], timeUnits: .milliseconds, maxDuration: .seconds(4), maxIterations: 20)

    // gemm 200³ — C ← A B into a reused output.
    Benchmark("gemm 200x200x200 Linalg") { benchmark in
        let a = Inputs.normal(200, 200, seed: 3), b = Inputs.normal(200, 200, seed: 4)
        var c = Matrix(rows: 200, columns: 200)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try Matrix.multiply(a, .none, b, .none, into: &c) }
        blackHole(c)
    }
    Benchmark("gemm 200x200x200 Reference naive", configuration: slow) { benchmark in
        let a = Inputs.normal(200, 200, seed: 3), b = Inputs.normal(200, 200, seed: 4)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(Reference.naiveProduct(a, b)) }
    }
    Benchmark("gemm 200x200x200 Reference blocked", configuration: slow) { benchmark in
        let a = Inputs.normal(200, 200, seed: 3), b = Inputs.normal(200, 200, seed: 4)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(Reference.blockedProduct(a, b)) }
    }

    // syrk: Matrix.gram of 1000 × 200.
    Benchmark("syrk gram 1000x200 Linalg") { benchmark in
        let a = Inputs.normal(1000, 200, seed: 5)
        var g = Matrix(rows: 200, columns: 200)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { a.gram(into: &g) }
        blackHole(g)
    }
    Benchmark("syrk gram 1000x200 Reference", configuration: slow) { benchmark in
        let a = Inputs.normal(1000, 200, seed: 5)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(Reference.gram(a)) }
    }

    // Eigenvalues only, correlation matrices of 43 and 200 tasks.
    for (n, rows) in [(43, 242), (200, 1000)] {
        Benchmark("eigenvalues \(n)x\(n) Linalg") { benchmark in
            let a = Inputs.correlation(n: rows, p: n, seed: 6)
            var solver = SymmetricEigenvalueSolver(order: n)
            var values = [Double](repeating: 0, count: n)
            var work = a
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                work = a
                try solver.eigenvalues(destroying: &work, into: &values)
            }
            blackHole(values)
        }
        Benchmark("eigenvalues \(n)x\(n) Reference Jacobi", configuration: slow) { benchmark in
            let a = Inputs.correlation(n: rows, p: n, seed: 6)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(Reference.jacobiEigenvalues(a)) }
        }
    }

    // Full eigendecomposition 200 × 200.
    Benchmark("eigen 200x200 Linalg") { benchmark in
        let a = Inputs.correlation(n: 1000, p: 200, seed: 7)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try SymmetricEigen(a)) }
    }
    Benchmark("eigen 200x200 Reference Jacobi", configuration: slow) { benchmark in
        let a = Inputs.correlation(n: 1000, p: 200, seed: 7)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(Reference.jacobiEigen(a)) }
    }

    // One Horn draw, as NullEigenvalues does it (BLAS at 1 thread, as there).
    for (n, p) in [(242, 43), (1000, 200)] {
        Benchmark("Horn draw \(n)x\(p) Linalg") { benchmark in
            var draw = HornDrawLinalg(n: n, p: p)
            BLASThreading.withThreadCount(1) {
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations { blackHole(draw.run()) }
                benchmark.stopMeasurement()
            }
        }
        Benchmark("Horn draw \(n)x\(p) Reference", configuration: slow) { benchmark in
            var draw = HornDrawReference(n: n, p: p)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(draw.run()) }
        }
    }
}
