//! Article forms: every field checked, slugs and tags normalised, drafts kept private.

use backstride_publishing::*;
use jiff::civil::Date;

fn raw() -> RawArticle {
    RawArticle {
        title: "Why your back aches on long runs".into(),
        slug: String::new(),
        body: "Hips first.".into(),
        tags: "Back pain, strength training".into(),
        author: "Dr Ann Lee".into(),
        date: "2025-03-14".into(),
        published: true,
    }
}

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

#[test]
fn a_good_form_makes_an_article() {
    let article = Article::try_from(&raw()).unwrap();
    assert_eq!(article.slug().as_str(), "why-your-back-aches-on-long-runs");
    assert_eq!(
        article
            .tags()
            .iter()
            .map(|t| (t.slug.as_str(), t.name.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("back-pain", "Back pain"),
            ("strength-training", "strength training")
        ]
    );
    assert_eq!(article.status(), ArticleStatus::Published);
    assert_eq!(Article::try_from(&article.to_raw()).unwrap(), article);
}

#[test]
fn every_wrong_field_gets_a_plain_message() {
    let cases: Vec<(RawArticle, &str, &str)> = vec![
        (
            RawArticle {
                title: "   ".into(),
                ..raw()
            },
            "title",
            "Give the article a title.",
        ),
        (
            RawArticle {
                title: "x".repeat(201),
                ..raw()
            },
            "title",
            "That is 201 characters: keep it to 200.",
        ),
        (
            RawArticle {
                title: "Two\nlines".into(),
                ..raw()
            },
            "title",
            "Keep it on one line, without special control characters.",
        ),
        (
            RawArticle {
                title: "腰痛".into(),
                ..raw()
            },
            "slug",
            "The title has no letters or digits to make a web address from: type one, for \
             example back-pain-and-running.",
        ),
        (
            RawArticle {
                slug: "Back Pain".into(),
                ..raw()
            },
            "slug",
            "Use only lower-case letters, digits and single hyphens between words, for example \
             couch-stretch-guide.",
        ),
        (
            RawArticle {
                slug: "back--pain".into(),
                ..raw()
            },
            "slug",
            "Use only lower-case letters, digits and single hyphens between words, for example \
             couch-stretch-guide.",
        ),
        (
            RawArticle {
                slug: "-back".into(),
                ..raw()
            },
            "slug",
            "Use only lower-case letters, digits and single hyphens between words, for example \
             couch-stretch-guide.",
        ),
        (
            RawArticle {
                slug: "a".repeat(81),
                ..raw()
            },
            "slug",
            "Use only lower-case letters, digits and single hyphens between words, for example \
             couch-stretch-guide.",
        ),
        (
            RawArticle {
                body: "x".repeat(100_001),
                ..raw()
            },
            "body",
            "The article is 100001 characters long: keep it to 100000, or split it into two \
             articles.",
        ),
        (
            RawArticle {
                body: " \n ".into(),
                ..raw()
            },
            "body",
            "Write the article before publishing it, or save it as a draft.",
        ),
        (
            RawArticle {
                tags: "a, b, c, d, e, f, g, h, i".into(),
                ..raw()
            },
            "tags",
            "That is 9 tags: use at most 8.",
        ),
        (
            RawArticle {
                tags: format!("ok, {}", "y".repeat(41)),
                ..raw()
            },
            "tags",
            "The tag “yyyyyyyyyyyyyyyyyyyy…” is too long: keep each tag to 40 characters.",
        ),
        (
            RawArticle {
                tags: "ok, ???".into(),
                ..raw()
            },
            "tags",
            "The tag “???” needs at least one letter or digit.",
        ),
        (
            RawArticle {
                author: "".into(),
                ..raw()
            },
            "author",
            "Say who wrote the article.",
        ),
        (
            RawArticle {
                author: "a".repeat(101),
                ..raw()
            },
            "author",
            "That is 101 characters: keep it to 100.",
        ),
        (
            RawArticle {
                date: "14/03/2025".into(),
                ..raw()
            },
            "date",
            "Enter the date as YYYY-MM-DD, for example 2025-03-14.",
        ),
        (
            RawArticle {
                date: "2025-02-30".into(),
                ..raw()
            },
            "date",
            "Enter the date as YYYY-MM-DD, for example 2025-03-14.",
        ),
    ];
    for (form, field, message) in cases {
        let errors = Article::try_from(&form).unwrap_err();
        assert_eq!(errors.message(field), Some(message), "{errors}");
        assert_eq!(errors.0.len(), 1, "only {field} is wrong: {errors}");
    }
    let errors = Article::try_from(&RawArticle::default()).unwrap_err();
    for field in ["title", "author", "date"] {
        assert!(errors.has(field), "{field}: {errors}");
    }
}

#[test]
fn limits_are_inclusive() {
    let ok = RawArticle {
        title: "t".repeat(200),
        body: "b".repeat(100_000),
        tags: (1..=8)
            .map(|i| format!("tag{i}"))
            .collect::<Vec<_>>()
            .join(","),
        author: "a".repeat(100),
        slug: "s".repeat(80),
        ..raw()
    };
    let article = Article::try_from(&ok).unwrap();
    assert_eq!(article.tags().len(), 8);
    let draft = RawArticle {
        body: String::new(),
        published: false,
        ..raw()
    };
    assert_eq!(
        Article::try_from(&draft).unwrap().status(),
        ArticleStatus::Draft
    );
    let long_tag = RawArticle {
        tags: "t".repeat(40),
        ..raw()
    };
    assert!(Article::try_from(&long_tag).is_ok());
}

#[test]
fn slugs_come_from_titles() {
    for (title, slug) in [
        ("Why your back aches", Some("why-your-back-aches")),
        ("  Café running: 5 tips!  ", Some("cafe-running-5-tips")),
        ("Hip & core — the basics", Some("hip-and-core-the-basics")),
        ("Straße", Some("strasse")),
        ("!!!", None),
        ("腰痛と走る", None),
    ] {
        assert_eq!(
            Slug::from_title(title).map(|s| s.to_string()).as_deref(),
            slug,
            "{title}"
        );
    }
    let long = Slug::from_title(&"word ".repeat(40)).unwrap();
    assert!(long.as_str().len() <= 80 && !long.as_str().ends_with('-'));
    assert!(long.as_str().ends_with("word"));
}

#[test]
fn tags_are_tidied_and_deduplicated() {
    let tags = parse_tags(" Back   pain ,back-pain, , BACK PAIN,Strength training,").unwrap();
    assert_eq!(
        tags.iter()
            .map(|t| (t.slug.as_str(), t.name.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("back-pain", "Back pain"),
            ("strength-training", "Strength training")
        ]
    );
    assert_eq!(parse_tags("").unwrap(), vec![]);
}

#[test]
fn drafts_and_future_articles_stay_with_the_clinic() {
    let make = |title: &str, day: &str, published: bool, tags: &str| {
        Article::try_from(&RawArticle {
            title: title.into(),
            date: day.into(),
            published,
            tags: tags.into(),
            ..raw()
        })
        .unwrap()
    };
    let articles = [
        make("Old one", "2025-01-01", true, "back pain"),
        make("Draft", "2025-01-02", false, "back pain, secret"),
        make("Newest", "2025-03-01", true, "Back pain, strength training"),
        make("Scheduled", "2025-04-01", true, "future"),
    ];
    let today = date("2025-03-14");
    let public: Vec<&str> = public_articles(&articles, today)
        .iter()
        .map(|a| a.title())
        .collect();
    assert_eq!(public, ["Newest", "Old one"]);
    assert!(articles[3].is_public(date("2025-04-01")));
    assert!(articles[2].has_tag("strength-training"));
    let counts: Vec<(String, usize)> = tag_counts(&articles, today)
        .into_iter()
        .map(|c| (c.tag.slug.to_string(), c.articles))
        .collect();
    assert_eq!(
        counts,
        vec![
            ("back-pain".to_owned(), 2),
            ("strength-training".to_owned(), 1)
        ]
    );
}
