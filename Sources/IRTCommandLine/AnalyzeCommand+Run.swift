import ArgumentParser
import Foundation
import IRTModel
import IRTReport
import IRTSampleData
import Linalg

extension AnalyzeCommand {
    /// The input files after defaults: the bundled sample when SWEEP is omitted.
    public struct Inputs: Sendable, Equatable {
        public var sweep: URL
        public var noise: URL?
        /// Whether SWEEP was omitted and the bundled sample is analysed.
        public var isBundledSample: Bool
    }

    /// The files to analyse.
    public var inputs: Inputs {
        let noiseURL = noise.map { URL(fileURLWithPath: $0) }
        if let sweep {
            return Inputs(sweep: URL(fileURLWithPath: sweep), noise: noiseURL, isBundledSample: false)
        }
        return Inputs(sweep: SampleData.sweep, noise: noiseURL ?? SampleData.fixedSubsetNoise, isBundledSample: true)
    }

    /// The analysis options these arguments ask for.
    ///
    /// - Parameter initialLoadings: Λ0 read from `--em-init`; its column count is k unless `--factors` is given.
    public func analysisOptions(initialLoadings: [[Double]]? = nil) -> AnalysisOptions {
        var fit = FitOptions()
        if referenceStop {
            fit.stopRule = FitOptions.reference.stopRule
            fit.maxIterations = FitOptions.reference.maxIterations
        }
        if let maxIterations { fit.maxIterations = maxIterations }
        if plainEM { fit.acceleration = .none }
        fit.mStep = mStep
        fit.loadings = loadings
        fit.initialLoadings = initialLoadings
        fit.factors = factors ?? initialLoadings?.first?.count
        var options = AnalysisOptions(
            draws: draws, seed: seed, fit: fit,
            heldOutMetrics: heldOutMetrics.isEmpty ? AnalysisOptions.defaultHeldOutMetrics : heldOutMetrics,
            leaderboardColumns: leaderboardColumns.isEmpty ? ReferencePreset.leaderboardColumns : leaderboardColumns,
            rankDraws: rankDraws, runColumn: runColumn, missingTokens: missingTokens, missing: missing,
            minCoverage: minCoverage, starts: starts, startCheck: noStartCheck ? 0 : 8)
        options.bootstrap = bootstrap
        options.replicateGroupColumn = replicateGroup
        options.psiModel = psi
        options.hornRule = hornRule
        options.aggregate = aggregateArguments.options
        return options
    }

    /// Reads the inputs and runs the analysis; writes nothing.
    ///
    /// - Parameters:
    ///   - progress: progress events of the analysis.
    /// - Throws: `AnalysisError` for bad input or a numerical failure (naming file and line),
    ///   ``ReportError`` for a bad `--em-init` or an unknown `--validate` column,
    ///   ``SelectionUsageError`` when the tasks must be chosen (`--tasks`) or
    ///   `--replicate-group` cannot apply (``checkReplicateGroup(noise:)``).
    public func analyse(progress: (@Sendable (AnalysisProgress) -> Void)? = nil) throws -> AnalysisResult {
        let initial = try emInit.map { path throws(ReportError) in try InitialLoadings.read(path: path, factors: factors) }
        var options = analysisOptions(initialLoadings: initial)
        if let correlation, let nObservations {
            if replicateGroup != nil {
                throw SelectionUsageError("--replicate-group groups the runs of a noise file; --correlation has no runs and no noise file")
            }
            let input = try CorrelationInput(contentsOf: URL(fileURLWithPath: correlation), observations: nObservations)
            do throws(AnalysisError) {
                return try Analysis.run(correlation: input, options: options, progress: progress)
            } catch {
                if case .invalidInitialLoadings = error, let emInit {
                    throw ReportError.initialLoadings(file: emInit, reason: error.description)
                }
                throw error
            }
        }
        let files = inputs
        // A regular noise file is read beside the sweep (a pipe, which may never
        // end, only after it); its errors still come after the sweep's.
        let tokens = missingTokens
        var status = stat()
        let beside = files.noise.map { stat($0.path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG } ?? false
        let read = ParallelMap.map(beside ? 2 : 1, threads: ParallelMap.workers(nil)) { file in
            Result { () throws(AnalysisError) -> EvalMatrix in
                guard file == 1, let noise = files.noise else { return try EvalMatrix(contentsOf: files.sweep) }
                return try EvalMatrix(contentsOf: noise, missingTokens: tokens)
            }
        }
        let raw = try read[0].get()
        let sweepMatrix = try options.reading(raw)
        for column in heldOutMetrics where !sweepMatrix.hasColumn(column) {
            throw ReportError.heldOutMetric(file: sweepMatrix.source, column: column)
        }
        options.selection = try taskSelection(for: sweepMatrix)
        let noiseMatrix = try beside ? read[1].get() : files.noise.map { url throws(AnalysisError) in
            try EvalMatrix(contentsOf: url, missingTokens: missingTokens)
        }
        try checkReplicateGroup(noise: noiseMatrix)
        let analysis = Analysis(sweep: raw, noise: noiseMatrix, options: options)
        do throws(AnalysisError) {
            return try analysis.run(progress: progress)
        } catch {
            // Aggregate weights of the wrong count are only found once k is known: a usage error.
            if case let .aggregateWeightsCount(given, k) = error {
                throw SelectionUsageError("--aggregate-weights: \(given) weight(s) given, but the model has k = \(k) factor(s) (θ1…θ\(k)); give one weight per factor, e.g. --aggregate-weights \(Array(repeating: "1", count: k).joined(separator: ","))")
            }
            // A Λ0 of the wrong number of rows is only found once p is known: name the file.
            if case .invalidInitialLoadings = error, let emInit {
                throw ReportError.initialLoadings(file: emInit, reason: error.description)
            }
            // A singular first E-step is almost always the start's doing: say which option to look at.
            if case .numerical = error, let emInit {
                throw ReportError.initialLoadings(file: emInit, reason: "the analysis failed starting from these loadings (\(error)); identical columns or very large loadings make the first E-step singular")
            }
            throw error
        }
    }

    /// Refuses a `--replicate-group` that could never be applied, before the
    /// analysis: without a noise file, or naming a column the noise file does
    /// not have (the library checks again, and checks the groups' sizes).
    ///
    /// - Throws: ``SelectionUsageError`` (exit 2), one line naming the file and the column.
    func checkReplicateGroup(noise: EvalMatrix?) throws(SelectionUsageError) {
        guard let column = replicateGroup else { return }
        guard let noise else {
            throw SelectionUsageError("--replicate-group \"\(column)\" names a column of the noise file, but there is none; pass --noise NOISE.csv")
        }
        guard noise.hasColumn(column) else {
            let text = noise.columnNames.filter { !noise.isNumeric($0) }
            let candidates = text.isEmpty ? "it has no text column" : "its text columns: \(AnalysisWarning.list(text, limit: 8))"
            throw SelectionUsageError("\(noise.source): --replicate-group \"\(column)\": the noise file has no column of that name (\(candidates))")
        }
    }

    /// The first line on stdout: what is analysed.
    var banner: String {
        if let correlation {
            return "irt-report: analysing the correlation matrix \(correlation) of n = \(nObservations ?? 0) runs (no runs: no scores, leaderboard or signal-to-noise)"
        }
        let files = inputs
        let noiseText = files.noise.map { "noise replicates \(files.isBundledSample && noise == nil ? $0.lastPathComponent : $0.path)" }
            ?? "no noise file (no noise floor or signal-to-noise; pass --noise NOISE.csv)"
        if files.isBundledSample {
            return "irt-report: no SWEEP given, analysing the bundled sample \(files.sweep.lastPathComponent) with \(noiseText)"
        }
        return "irt-report: analysing \(files.sweep.path) with \(noiseText)"
    }

    /// Analyses, writes the report into `--out` (and `--json`), prints the summary.
    public func run() throws {
        let directory = try outputDirectory()
        // Refuse now, not after a long analysis, what could never be replaced
        // (the writer checks again, under the folder's lock, before it replaces anything).
        let jsonURL = json.map { URL(fileURLWithPath: $0).standardizedFileURL }
        _ = try OutputTarget.reportDestination(directory, shownAs: out)
        if let json, let jsonURL { _ = try OutputTarget.jsonDestination(jsonURL, shownAs: json) }
        let table = try mixtureTable()
        if !quiet { print(banner) }
        let printer = ProgressPrinter.forStandardError(quiet: quiet)
        let result: AnalysisResult
        do {
            defer { printer?.finish() }
            result = try analyse(progress: printer.map { p in { @Sendable event in p.report(event) } })
                .mappingWarnings(RemedyWording.said)
        }
        let mixture = try table.map { table throws in try mixtureStudy(result, table: table) }
        let title = "IRTKit report: \(correlation.map { URL(fileURLWithPath: $0).lastPathComponent } ?? inputs.sweep.lastPathComponent)"
        let files = try ReportWriter.files(for: result, mixture: mixture, title: title)
        let jsonData = files.first { $0.name == "result.json" }!.data
        let jsonTarget = json.flatMap { shown in jsonURL.map { (data: jsonData, url: $0, shown: shown) } }
        try ReportWriter.write(files, to: directory, shownAs: out, json: jsonTarget)

        let index = directory.appendingPathComponent("index.html")
        if quiet {
            print(index.path)
        } else {
            print(Summary.text(result, reportPath: index.path, mixture: mixture))
        }
        if open {
            let line = Browser.open(index)
            if !quiet { print(line) }
        }
    }

    /// Makes SIGINT, SIGTERM and SIGHUP remove the run's temporary files and
    /// folders before the process ends by that signal (exit status 130, 143,
    /// 129 in a shell). For the executable's entry point, before anything else.
    public static func handleTerminationSignals() {
        Temporaries.handleTerminationSignals()
    }

    /// Parses `arguments` as the whole `irt-report` tool (``IRTReportTool``),
    /// runs it and returns the process exit code.
    public static func exitCode(running arguments: [String]) -> Int32 {
        IRTReportTool.exitCode(running: arguments)
    }

    /// `message` on one line: every control character (LF, CR, NUL, ESC, …) and
    /// line or paragraph separator becomes a space.
    ///
    /// Works on Unicode scalars: `replacingOccurrences(of: "\n", …)` compares
    /// `Character`s and misses the LF of a CRLF pair or one followed by a
    /// combining mark, both of which a file or column name can hold.
    static func oneLine(_ message: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in message.unicodeScalars {
            let breaks = scalar.properties.generalCategory == .control
                || scalar == "\u{2028}" || scalar == "\u{2029}"
            scalars.append(breaks ? " " : scalar)
        }
        return String(scalars)
    }
}
