import Foundation

/// The scipy oracle values written by scripts/make_statistics_fixtures.py.
struct Fixtures: Decodable {
    struct TwoByTwo: Decodable {
        let table: [[Int]]
        let g2: Double?, g2_p: Double?
        let fisher_p: Double, odds_ratio: Double?
    }
    struct Wilson: Decodable { let k: Int, n: Int, confidence: Double, low: Double, high: Double }
    struct Newcombe: Decodable { let k1: Int, n1: Int, k2: Int, n2: Int, delta: Double, low: Double, high: Double }
    struct JensenShannon: Decodable { let p: [Double], q: [Double], distance: Double }
    struct BH: Decodable { let p: [Double], q: [Double] }
    struct LogOddsCase: Decodable { let name: String, first: [Double], second: [Double], prior: [Double], z: [Double] }
    struct AUROC: Decodable { let x: [Double], y: [Double], auroc: Double }
    struct ChiSquare: Decodable { let x: Double, df: Double, sf: Double }
    struct Quantile: Decodable { let p: Double, z: Double }
    struct Centroid: Decodable {
        let x: [[Double]], labels: [Bool], folds: [[Int]], groups: [[Bool]], scores: [[Double]], t: [Double]
    }

    let two_by_two: [TwoByTwo]
    let wilson: [Wilson]
    let newcombe: [Newcombe]
    let jensen_shannon: [JensenShannon]
    let benjamini_hochberg: [BH]
    let log_odds: [LogOddsCase]
    let auroc: [AUROC]
    let chi2_sf: [ChiSquare]
    let normal_quantile: [Quantile]
    let centroid_test: Centroid
    struct Wilcoxon: Decodable { let d: [Double], p: Double }
    struct G2Table: Decodable { let table: [[Int]], g2: Double, p: Double, dof: Int }
    let wilcoxon: [Wilcoxon]
    let g2_table: [G2Table]
    struct LeaveOneOutLineCase: Decodable { let x: [Double], y: [Double], residuals: [Double] }
    let leave_one_out_line: [LeaveOneOutLineCase]
    struct SketchComparisonCase: Decodable {
        let x: [Double], y: [Double], auroc: Double, kernel_auroc: Double, p: Double, delong_se: Double
    }
    let sketch_comparison: [SketchComparisonCase]
    struct OperatingPointCase: Decodable {
        let teacher_mean: Double, teacher_sd: Double, control_mean: Double, control_sd: Double
        let k: Int, fpr: Double, base_rate: Double, tpr: Double, precision: Double
    }
    let operating_points: [OperatingPointCase]
    struct ExactBootstrapCase: Decodable {
        let numerators: [Double], denominators: [Double], estimate: Double?, low: Double?, high: Double?
    }
    let exact_bootstrap: [ExactBootstrapCase]
    struct StudentT: Decodable { let t: Double, df: Double, sf: Double, ppf_p: Double, ppf: Double }
    let student_t: [StudentT]
    struct Special: Decodable { let x: Double, digamma: Double, trigamma: Double }
    let special: [Special]
    struct ModeratedPrediction: Decodable {
        let replicate: [Double], controls: [[Double]], prior_df: Double?, prior_variance: Double, df: Double
        let sd: [Double], t: [Double], p: [Double]
    }
    let moderated_prediction: [ModeratedPrediction]

    static let shared: Fixtures = {
        let url = Bundle.module.url(forResource: "statistics", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(Fixtures.self, from: Data(contentsOf: url))
    }()
}

/// |a − b| within a relative tolerance, or an absolute one near zero.
func close(_ a: Double, _ b: Double, relative: Double = 1e-9, absolute: Double = 1e-12) -> Bool {
    abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
}
