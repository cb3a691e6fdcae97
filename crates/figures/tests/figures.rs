//! Every illustration renders as well-formed, accessible, deterministic SVG.

use backstride_figures::{Phase, description, ids, is_animated, svg, svg_static, title};

fn all_outputs(id: &str) -> Vec<String> {
    vec![
        svg(id).expect("svg"),
        svg_static(id, Phase::Start).expect("start"),
        svg_static(id, Phase::End).expect("end"),
    ]
}

#[test]
fn every_id_renders_well_formed_svg_with_title_and_desc() {
    assert!(ids().len() >= 42);
    for &id in ids() {
        for out in all_outputs(id) {
            let doc = roxmltree::Document::parse(&out).unwrap_or_else(|e| panic!("{id}: {e}"));
            let root = doc.root_element();
            assert_eq!(root.tag_name().name(), "svg", "{id}");
            assert_eq!(root.attribute("role"), Some("img"), "{id}");
            assert!(root.attribute("viewBox").is_some(), "{id}");
            assert!(
                root.attribute("width").is_none() && root.attribute("height").is_none(),
                "{id}"
            );
            let text = |name: &str| {
                root.children()
                    .find(|n| n.has_tag_name(name))
                    .and_then(|n| n.text())
                    .map(str::to_owned)
                    .unwrap_or_default()
            };
            assert_eq!(text("title"), title(id).unwrap(), "{id}");
            assert!(text("desc").starts_with(description(id).unwrap()), "{id}");
            assert!(
                !out.contains("NaN") && !out.replace("infinite", "").contains("inf"),
                "{id}"
            );
            assert!(
                out.contains("currentColor") && out.contains(r#"stroke-linecap="round""#),
                "{id}"
            );
        }
    }
}

#[test]
fn ids_are_unique_and_cover_the_protocol() {
    let mut seen = std::collections::BTreeSet::new();
    for &id in ids() {
        assert!(seen.insert(id), "duplicate {id}");
    }
    for id in [
        "band_hip_abduction",
        "cadence_count",
        "couch_stretch",
        "double_leg_lowering",
        "hip_abduction_dynamometer",
        "hip_cars",
        "mcgill_extensor",
        "mcgill_flexor",
        "pallof_press",
        "prone_hip_extension",
        "running_side_view",
        "side_bridge",
        "single_leg_bridge",
        "single_leg_bridge_hold",
        "single_leg_bridge_box",
        "single_leg_squat",
        "straight_leg_lowers",
        "thomas_test",
        "trunk_lean",
        "hip_flexor_kneeling_stretch",
        "couch_stretch_upright",
        "hip_cars_quadruped",
        "hip_cars_standing",
        "glute_bridge",
        "single_leg_bridge_march",
        "side_lying_hip_abduction",
        "band_lateral_walk",
        "single_leg_lowers",
        "dead_bug",
        "bird_dog",
        "side_plank_knees",
        "side_plank",
        "pallof_press_tall_kneeling",
        "pallof_press_half_kneeling",
        "pallof_press_split_stance",
        "split_squat",
        "rear_foot_elevated_split_squat",
        "single_leg_calf_raise",
        "thoracic_extension_foam_roller",
        "breathing_90_90",
        "plank",
        "clamshell",
        "step_down",
    ] {
        assert!(seen.contains(id), "missing {id}");
    }
}

#[test]
fn output_is_deterministic() {
    for &id in ids() {
        assert_eq!(all_outputs(id), all_outputs(id), "{id}");
    }
}

#[test]
fn unknown_ids_give_none() {
    assert!(svg("unknown").is_none());
    assert!(svg_static("unknown", Phase::Start).is_none());
    assert!(title("unknown").is_none());
    assert!(!is_animated("unknown"));
}

#[test]
fn animated_figures_carry_keyframes_and_respect_reduced_motion() {
    for &id in ids() {
        let out = svg(id).unwrap();
        if is_animated(id) {
            assert!(out.contains("@keyframes"), "{id}");
            assert!(out.contains("prefers-reduced-motion:reduce"), "{id}");
            assert_ne!(
                svg_static(id, Phase::Start),
                svg_static(id, Phase::End),
                "{id}"
            );
        } else {
            assert!(!out.contains("@keyframes"), "{id}");
            assert_eq!(
                svg_static(id, Phase::Start),
                svg_static(id, Phase::End),
                "{id}"
            );
        }
        for phase in [Phase::Start, Phase::End] {
            let s = svg_static(id, phase).unwrap();
            assert!(
                !s.contains("<style") && !s.contains("animation"),
                "{id}: static output is CSS-free"
            );
        }
    }
}

/// With `FIGURES_OUT=/some/dir`, writes every figure (animated and both stills) there, plus an
/// `index.html` contact sheet, so a person can look at them. Does nothing otherwise.
#[test]
fn write_figures_when_asked() {
    let Some(dir) = std::env::var_os("FIGURES_OUT") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut html = String::from(
        "<!doctype html><meta charset=utf-8><title>Backstride figures</title>\
        <style>body{font:14px system-ui;display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px}\
        figure{margin:0;border:1px solid #ccc;padding:8px}img,svg{width:100%;height:180px}</style>",
    );
    for &id in ids() {
        let animated = svg(id).unwrap();
        std::fs::write(dir.join(format!("{id}.svg")), &animated).unwrap();
        std::fs::write(
            dir.join(format!("{id}.start.svg")),
            svg_static(id, Phase::Start).unwrap(),
        )
        .unwrap();
        std::fs::write(
            dir.join(format!("{id}.end.svg")),
            svg_static(id, Phase::End).unwrap(),
        )
        .unwrap();
        html.push_str(&format!(
            "<figure>{animated}<figcaption>{id}</figcaption></figure>"
        ));
    }
    std::fs::write(dir.join("index.html"), html).unwrap();
}
