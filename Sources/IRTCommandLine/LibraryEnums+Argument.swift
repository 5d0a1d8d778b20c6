import ArgumentParser
import IRTModel

// The library's option enums are the command line's values: their raw values
// are the spellings of `--m-step`, `--missing`, `--loadings`, `--psi` and `--horn-rule`.

extension MStep: ExpressibleByArgument {}
extension MissingPolicy: ExpressibleByArgument {}
extension LoadingConstraint: ExpressibleByArgument {}
extension PsiModel: ExpressibleByArgument {}
extension ParallelAnalysis.Rule: ExpressibleByArgument {}
