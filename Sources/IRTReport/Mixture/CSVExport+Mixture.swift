import IRTMixture
import IRTModel

extension CSVExport {
    /// How predictable each score is from the mixture (`mixture_predictability.csv`):
    /// `score, label, family, chosen, oof_r2, oof_spearman, oof_rmse, permutation_r2, ceiling_r2,
    /// effective_df, not_predictable`, one row per score and surrogate family, in the study's order.
    /// `ceiling_r2` is empty without seed noise, `effective_df` for a family that has none.
    public static func mixturePredictability(_ mixture: MixtureReport, factorLabels: [String]) -> String {
        var rows = [["score", "label", "family", "chosen", "oof_r2", "oof_spearman", "oof_rmse", "permutation_r2",
                     "ceiling_r2", "effective_df", "not_predictable"]]
        for s in mixture.analysis.surrogates {
            rows.append([text(s.score), text(MixtureReport.described(s.score, factorLabels: factorLabels)), text(s.family),
                         s.chosen ? "true" : "false", number(s.oofR2), number(s.oofSpearman), number(s.oofRMSE),
                         number(s.permutationR2), number(s.ceilingR2), number(s.effectiveDF),
                         mixture.isNotPredictable(s.score) ? "true" : "false"])
        }
        return table(rows)
    }

    /// Which domains move which score (`mixture_effects.csv`): `score, column, estimate, lower, upper,
    /// excludes_zero, partial_effect`, one row per score and weight column. `estimate` is the linear
    /// surrogate's coefficient with its bootstrap 95% interval `[lower, upper]`; `partial_effect` the
    /// nonlinear surrogate's average change when 1% of the phase's weight moves into the column
    /// (empty when it was not computed).
    public static func mixtureEffects(_ mixture: MixtureReport) -> String {
        var partial: [String: Double] = [:]
        for p in mixture.analysis.partialEffects { partial[p.score + "\u{0}" + p.column] = p.estimate }
        var rows = [["score", "column", "estimate", "lower", "upper", "excludes_zero", "partial_effect"]]
        for e in mixture.analysis.effects {
            rows.append([text(e.score), text(e.column), number(e.estimate), number(e.lower), number(e.upper),
                         e.lower > 0 || e.upper < 0 ? "true" : "false", number(partial[e.score + "\u{0}" + e.column])])
        }
        return table(rows)
    }
}
