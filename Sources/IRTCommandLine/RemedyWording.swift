import IRTModel

/// The library's typed ``AnalysisWarning/Remedy``s said as `irt-report`
/// options, appended to the warning's message: what the summary, the report's
/// first card and `result.json` show.
enum RemedyWording {
    /// `warning` with its remedies said as flags (unchanged without remedies).
    static func said(_ warning: AnalysisWarning) -> AnalysisWarning {
        guard let suffix = suffix(warning.kind, warning.remedies) else { return warning }
        return warning.withMessage(warning.message + suffix)
    }

    /// The clause that names the flags, with its separator; `nil` without remedies.
    static func suffix(_ kind: AnalysisWarning.Kind, _ remedies: [AnalysisWarning.Remedy]) -> String? {
        guard !remedies.isEmpty else { return nil }
        let first = remedies[0]
        switch kind {
        case .betterOptimumFound where remedies.count == 1:
            if case let .moreStarts(n) = first { return "; rerun with --starts \(n) to report the best of \(n) starts" }
        case .startCheckInconclusive where remedies.count == 1:
            if case let .moreStarts(n) = first { return " — rerun with --starts \(n) to fit every start to convergence" }
        case .freeFitBelowNonnegative where remedies.count == 1:
            if case let .freeLoadingsWithStarts(n) = first { return "; fit with --loadings free --starts \(n) to compare" }
        case .emNotConverged where remedies.count == 2 && remedies[1] == .moreIterations:
            if case let .otherMStep(m) = first { return " — try --m-step \(m.rawValue) or a larger --max-iterations" }
        case .weaklyIdentified where remedies.count == 2 && first == .runStartCheck:
            if case let .moreStarts(n) = remedies[1] { return " — rerun without --no-start-check or with --starts \(n)" }
        default:
            break
        }
        return " — " + remedies.map(phrase).joined(separator: " or ")
    }

    /// One remedy as an imperative naming its flags.
    static func phrase(_ remedy: AnalysisWarning.Remedy) -> String {
        switch remedy {
        case let .moreStarts(n): "rerun with --starts \(n)"
        case let .moreNullDraws(n): "rerun with --draws \(n) (the default)"
        case let .moreRankDraws(n): "rerun with --rank-draws \(n) (the default)"
        case let .otherMStep(m): "try --m-step \(m.rawValue)"
        case .moreIterations: "try a larger --max-iterations"
        case .runStartCheck: "rerun without --no-start-check"
        case let .freeLoadingsWithStarts(n): "fit with --loadings free --starts \(n) to compare"
        case let .addReplicates(n): "pass --noise NOISE.csv with at least \(n) replicate runs of one mixture (only the seed differs)"
        case .otherAggregate: "see the report's card \"What the aggregate is made of\", and compare --aggregate balanced or --aggregate-weights W1,…,Wk"
        }
    }
}
