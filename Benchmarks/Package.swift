// swift-tools-version: 6.1
//
// IRTKit benchmarks: a separate package so that ordo-one/benchmark (and its
// ~3-minute first release build) stays out of `swift test` and CI.
//
//   swift package --disable-sandbox benchmark        # ordo-one suites
//   swift run -c release bench-report                # markdown ratio table
//
// Every workload pairs the LAPACK/BLAS-backed `Linalg` path with the
// pure-Swift `LinalgReference` baseline on the same inputs (BenchSupport).

import PackageDescription

// A path dependency's identity is the last component of its path, lowercased:
// "irtkit" in a plain clone, the worktree's folder name elsewhere.
let irtkit: String = {
    let parent = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "IRTKit"
    return parent.lowercased()
}()

let package = Package(
    name: "IRTKitBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // MARK: - Implementation details
        // The workloads, shared by the ordo-one suites and bench-report.
        .target(
            name: "BenchSupport",
            dependencies: [
                .product(name: "Linalg", package: irtkit),
                .product(name: "LinalgReference", package: irtkit),
                .product(name: "IRTModel", package: irtkit),
                .product(name: "IRTSynthetic", package: irtkit),
            ]
        ),
        // Times every pair itself (best of N, ContinuousClock) and prints a markdown table.
        .executableTarget(
            name: "bench-report",
            dependencies: ["BenchSupport"]
        ),
        // Throwaway stand-in for `irt-report SWEEP --noise NOISE --json OUT`: Analysis + JSON.
        .executableTarget(
            name: "bench-analysis",
            dependencies: [.product(name: "IRTModel", package: irtkit)]
        ),
        // What gaps cost: Horn's masked null and the missing-data EM against complete data.
        .executableTarget(
            name: "bench-gaps",
            dependencies: [
                "BenchSupport",
                .product(name: "IRTModel", package: irtkit),
                .product(name: "IRTSynthetic", package: irtkit),
                .product(name: "Linalg", package: irtkit),
            ]
        ),
        // Free loadings: EM against the concentrated likelihood against R's factanal.
        .executableTarget(
            name: "bench-free",
            dependencies: [
                "BenchSupport",
                .product(name: "IRTModel", package: irtkit),
                .product(name: "IRTSynthetic", package: irtkit),
                .product(name: "Linalg", package: irtkit),
            ]
        ),
        // The EM test bank (issue #11): convergence and cost of the EM over
        // families of hard cases, for each M-step; `scripts/em-bank`.
        // The mixture step (surrogates, nested CV, effects, proposals) on 240 runs × 78 weight columns.
        .executableTarget(
            name: "bench-mixture",
            dependencies: [
                "BenchSupport",
                .product(name: "IRTMixture", package: irtkit),
                .product(name: "IRTModel", package: irtkit),
                .product(name: "IRTSynthetic", package: irtkit),
                .product(name: "Linalg", package: irtkit),
            ]
        ),
        .executableTarget(
            name: "em-bank",
            dependencies: [
                "BenchSupport",
                .product(name: "IRTModel", package: irtkit),
                .product(name: "IRTSynthetic", package: irtkit),
                .product(name: "Linalg", package: irtkit),
            ]
        ),

        // MARK: - ordo-one/benchmark suites
        .executableTarget(
            name: "LinalgBenchmarks",
            dependencies: ["BenchSupport", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/LinalgBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "AnalysisBenchmarks",
            dependencies: ["BenchSupport", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/AnalysisBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
