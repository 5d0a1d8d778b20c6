import ArgumentParser
import Foundation
import IRTSampleData

extension AnalyzeCommand {
    /// The most Monte Carlo draws accepted (memory grows as draws × p).
    static let maximumDraws = 1_000_000

    /// Checks what can be checked before reading any file: value ranges, that
    /// input files exist, and that `--out` and `--json` are paths of their own.
    /// The most observations `--n-obs` accepts (10⁹ runs).
    static let maximumObservations = 1_000_000_000

    /// The most bootstrap refits: each is a fit of the model.
    static let maximumBootstrap = 10_000

    public func validate() throws {
        guard draws >= 1 else {
            throw ValidationError("--draws must be at least 1 (got \(draws)); Horn's parallel analysis needs Monte Carlo draws (the reference uses 500)")
        }
        guard draws <= Self.maximumDraws else {
            throw ValidationError("--draws must be at most \(Self.maximumDraws) (got \(draws)); 500 draws already give the p95 curve about 1% Monte Carlo error")
        }
        guard rankDraws >= 1, rankDraws <= Self.maximumDraws else {
            throw ValidationError("--rank-draws must be between 1 and \(Self.maximumDraws) (got \(rankDraws)); 2000 draws give the rank intervals' ends to about ±1 rank")
        }
        guard bootstrap >= 0, bootstrap <= Self.maximumBootstrap else {
            throw ValidationError("--bootstrap must be between 0 and \(Self.maximumBootstrap) (got \(bootstrap)); 0 turns the refits off")
        }
        if let factors, factors < 1 {
            throw ValidationError("--factors must be at least 1 (got \(factors)); omit it to take Horn's k95")
        }
        if let maxIterations, maxIterations < 1 {
            throw ValidationError("--max-iterations must be at least 1 (got \(maxIterations)); omit it for the default (200000, or 5000 with --reference-stop)")
        }
        if let empty = heldOutMetrics.first(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ValidationError("--validate needs a column name of the sweep (got \"\(empty)\"), e.g. --validate eval/paloma/macro_loss")
        }
        guard minCoverage.isFinite, (0...1).contains(minCoverage) else {
            throw ValidationError("--min-coverage must be a share in [0, 1] (got \(minCoverage)); e.g. 0.5 drops runs and tasks observed on less than half of the other side")
        }
        for (label, patterns) in [("--tasks", tasks), ("--exclude", exclude), ("--higher-is-better", higherIsBetter),
                                  ("--lower-is-better", lowerIsBetter)]
            where patterns.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ValidationError("\(label) needs a column-name pattern (got an empty one), e.g. \(label) 'arc*'")
        }
        if let runColumn, runColumn.isEmpty {
            throw ValidationError("--run-column needs a column name of the sweep, e.g. --run-column model")
        }
        guard (1...10_000).contains(starts) else {
            throw ValidationError("--starts must be between 1 and 10000 (got \(starts)); 16 is plenty to find the best optimum")
        }
        if correlation != nil || nObservations != nil {
            guard correlation != nil, let nObservations else {
                throw ValidationError("--correlation FILE.csv and --n-obs N go together: the fit needs the number of runs behind the matrix")
            }
            guard nObservations >= 3 else { throw ValidationError("--n-obs must be at least 3 (got \(nObservations))") }
            guard nObservations <= Self.maximumObservations else {
                throw ValidationError("--n-obs must be at most \(Self.maximumObservations) (got \(nObservations)): it is the number of runs behind the matrix, and no sweep has a billion runs (a token or sample count given by mistake?); beyond it the χ² and RMSEA would be decided by n alone")
            }
            if sweep != nil || noise != nil {
                throw ValidationError("--correlation replaces SWEEP.csv and --noise (a correlation matrix has no runs); give one or the other")
            }
            if !tasks.isEmpty || !exclude.isEmpty || selection != nil || runColumn != nil {
                throw ValidationError("--correlation takes every column of the matrix as a task (higher is better); --tasks, --exclude, --selection and --run-column apply to runs only")
            }
            if aggregateArguments.aggregateWeights != nil || aggregateArguments.aggregate != .mean {
                throw ValidationError("--aggregate and --aggregate-weights define how runs are scored; --correlation has no runs")
            }
        }
        if sweep == nil, correlation == nil, !SampleData.isInstalled {
            throw ValidationError("\(SampleData.missingDescription); pass SWEEP.csv")
        }
        try validateMixture()
        for (label, path) in inputFiles {
            if let path { try FileArguments.requireFile(path, label: label) }
        }
        _ = try selectionFromFile()
        let outURL = try outputDirectory()
        if let json {
            guard !json.isEmpty, !json.hasSuffix("/") else {
                throw ValidationError("--json needs a file path, e.g. --json result.json")
            }
            let url = URL(fileURLWithPath: json).standardizedFileURL
            var isDirectory: ObjCBool = false
            let parent = url.deletingLastPathComponent()
            guard FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--json \(json): the directory \(parent.path) does not exist; create it first")
            }
            if Self.isInside(url.resolvingSymlinksInPath(), outURL.resolvingSymlinksInPath()) {
                throw ValidationError("--json \(json) is inside --out \(out), which is replaced on every run (it gets result.json anyway); choose a path outside it")
            }
        }
        try FileArguments.check(inputs: inputFiles, outputs: [("--json", json)], folder: ("--out", outURL))
    }

    /// Every input file of the analysis, as (label, path): each must be a
    /// readable file (or a pipe), and each is protected by identity (device
    /// and inode) from every output — `--json` may not be one, and none may lie
    /// in `--out`, which is replaced on every run. A new input option is one
    /// more entry here.
    var inputFiles: [(String, String?)] {
        [("SWEEP", sweep), ("--noise", noise), ("--correlation", correlation), ("--selection", selection),
         ("--em-init", emInit), ("--mixture", mixture)]
    }

    /// `--out` as an absolute URL, after checking that it names a folder of its own.
    ///
    /// Whether what is there may be replaced is checked later, by
    /// `OutputTarget` (an error with exit status 1, not a usage error).
    func outputDirectory() throws(ValidationError) -> URL {
        guard !out.isEmpty else { throw ValidationError("--out needs a directory path, e.g. --out irt-report-output") }
        let url = URL(fileURLWithPath: out).standardizedFileURL
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
        if url.path == "/" || Self.isInside(cwd, url) {
            throw ValidationError("--out \(out) is the current directory or one of its parents; it is replaced on every run, so name a directory of its own, e.g. --out irt-report-output")
        }
        return url
    }

    /// Whether `url` is `directory` or lies below it (both standardized).
    static func isInside(_ url: URL, _ directory: URL) -> Bool {
        let a = url.pathComponents, d = directory.pathComponents
        return a.count >= d.count && Array(a.prefix(d.count)) == d
    }
}
