// swift-tools-version: 6.1
//
// IRTKit: aggregate capability scores for language-model evaluation sweeps,
// by non-negative k-factor analysis on top of LAPACK/BLAS.

import PackageDescription

let package = Package(
    name: "IRTKit",
    products: [
        // MARK: - Public API
        .library(name: "Linalg", targets: ["Linalg"]),
        .library(name: "IRTModel", targets: ["IRTModel"]),
        .library(name: "LinalgReference", targets: ["LinalgReference"]),
        .library(name: "IRTReport", targets: ["IRTReport"]),
        .library(name: "IRTCommandLine", targets: ["IRTCommandLine"]),
        .executable(name: "irt-report", targets: ["irt-report"]),
        .executable(name: "irt-generate", targets: ["irt-generate"]),
        .library(name: "IRTSynthetic", targets: ["IRTSynthetic"]),
        .library(name: "IRTMixture", targets: ["IRTMixture"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // MARK: - Public API
        .target(
            name: "Linalg",
            dependencies: ["CLAPACKE"]
        ),
        .target(
            name: "IRTModel",
            dependencies: ["Linalg"]
        ),
        // The report: HTML/SVG/CSV rendering and the JSON schemas (result.json, model.json).
        .target(
            name: "IRTReport",
            dependencies: ["IRTModel", "IRTMixture"]
        ),
        // The `irt-report` command line: arguments, summary, atomic file writing.
        .target(
            name: "IRTCommandLine",
            dependencies: [
                "IRTModel",
                "IRTMixture",
                "IRTReport",
                "IRTSampleData",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "irt-report",
            dependencies: ["IRTCommandLine", "Linalg"]
        ),
        // Synthetic sweeps with a known factor structure (tests, benchmarks, irt-generate).
        .target(
            name: "IRTSynthetic",
            dependencies: ["IRTModel", "Linalg"]
        ),
        // From scores to the next mixture: surrogates, effects and proposals over mixture weights.
        .target(
            name: "IRTMixture",
            dependencies: ["IRTModel", "Linalg"]
        ),
        // Writes synthetic sweeps (IRTSynthetic) as CSV files: benchmarks, scale tests.
        .executableTarget(
            name: "irt-generate",
            dependencies: [
                "IRTModel",
                "IRTSynthetic",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Pure-Swift baseline: the test oracle for Linalg and the benchmarks' baseline.
        .target(
            name: "LinalgReference",
            dependencies: ["Linalg"]
        ),

        // MARK: - Implementation details
        .systemLibrary(
            name: "CLAPACKE",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        // The bundled sample (300M sweep replica and its replicate-noise files).
        .target(
            name: "IRTSampleData",
            resources: [.copy("Sample")]
        ),

        // MARK: - Unit test bundles
        .testTarget(
            name: "LinalgTests",
            dependencies: ["Linalg", "LinalgReference"]
        ),
        .testTarget(
            name: "IRTModelTests",
            dependencies: ["IRTModel", "IRTSynthetic", "IRTSampleData", "Linalg", "LinalgReference"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "IRTReportTests",
            dependencies: ["IRTCommandLine", "IRTReport", "IRTMixture", "IRTModel", "IRTSampleData", "Linalg"]
        ),
        .testTarget(
            name: "IRTMixtureTests",
            dependencies: ["IRTMixture", "IRTModel", "IRTSynthetic", "Linalg", "LinalgReference"]
        ),
        .testTarget(
            name: "IRTCommandLineTests",
            dependencies: [
                "IRTCommandLine", "IRTReport", "IRTMixture", "IRTModel", "IRTSynthetic", "IRTSampleData", "Linalg",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
