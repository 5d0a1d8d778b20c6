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
        .executable(name: "irt-report", targets: ["irt-report"]),
        .executable(name: "irt-generate", targets: ["irt-generate"]),
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
        .target(
            name: "IRTReport",
            dependencies: [
                "IRTModel",
                "IRTSampleData",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "irt-report",
            dependencies: ["IRTReport", "Linalg"]
        ),
        // Synthetic sweeps with a known factor structure (benchmarks, scale tests).
        .executableTarget(
            name: "irt-generate",
            dependencies: [
                "IRTModel",
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
            dependencies: ["IRTModel", "IRTReport", "IRTSampleData", "Linalg", "LinalgReference"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "IRTReportTests",
            dependencies: ["IRTReport", "IRTModel", "IRTSampleData", "Linalg"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
