// swift-tools-version: 6.1
//
// IRTKit fuzz targets (libFuzzer): a separate package because they need
// `-sanitize=fuzzer` and `-parse-as-library`, which must stay out of the
// default build and `swift test`. Run them with `scripts/fuzz [SECONDS]`.
//
//   fuzz-csv             CSVReader + EvalMatrix (both storages compared)
//   fuzz-em-init         the `--em-init` reader (InitialLoadings)
//   fuzz-task-selection  TaskSelection on random headers and random selections
//   fuzz-model-json      the model.json reader (FittedModel) and scoring with what it accepts
//
// A crash found here becomes a regression test in the main package
// (Tests/IRTReportTests/FuzzRegressionTests.swift).

import PackageDescription

// A path dependency's identity is the last component of its path, lowercased:
// "irtkit" in a plain clone, the worktree's folder name elsewhere.
let irtkit: String = {
    let parent = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "IRTKit"
    return parent.lowercased()
}()

let package = Package(
    name: "IRTKitFuzz",
    dependencies: [
        .package(path: "../"),
    ],
    targets: [
        .executableTarget(
            name: "fuzz-csv",
            dependencies: [.product(name: "IRTModel", package: irtkit)]
        ),
        .executableTarget(
            name: "fuzz-em-init",
            dependencies: [.product(name: "IRTCommandLine", package: irtkit)]
        ),
        .executableTarget(
            name: "fuzz-model-json",
            dependencies: [.product(name: "IRTModel", package: irtkit)]
        ),
        .executableTarget(
            name: "fuzz-task-selection",
            dependencies: [.product(name: "IRTModel", package: irtkit)]
        ),
    ],
    swiftLanguageModes: [.v6]
)
