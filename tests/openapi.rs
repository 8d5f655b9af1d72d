//! The API's OpenAPI description (docs/configuration.md, "OpenAPI"): per-operation
//! `undocumented-status`, `undocumented-operation` and `spec-schema` on real captures of
//! `testdata/real/server.py` (described by `testdata/real/openapi.yaml`), examples in a
//! description checked as captures, bad descriptions refused before any capture is read, and
//! real public descriptions from the shared corpus loaded and routed.

mod support;

use assert_cmd::Command;

const SERVER: &str = "testdata/real/openapi.yaml";

fn errlint(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("errlint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

/// `LINE:COL: SEVERITY[rule] message` of every finding, without the file name.
fn findings(args: &[&str]) -> Vec<String> {
    let mut all = vec!["check", "-f", "concise", "-q"];
    all.extend_from_slice(args);
    let output = errlint(&all);
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split_once(':').map_or(l, |(_, rest)| rest).to_string())
        .collect()
}

/// The findings of the OpenAPI rules alone.
fn openapi_findings(args: &[&str]) -> Vec<String> {
    findings(args)
        .into_iter()
        .filter(|l| {
            l.contains("[undocumented-status]")
                || l.contains("[undocumented-operation]")
                || l.contains("[spec-schema]")
        })
        .collect()
}

#[test]
fn per_operation_findings_on_a_chromium_har() {
    assert_eq!(
        openapi_findings(&["--openapi", SERVER, "testdata/real/chromium.har"]),
        [
            "1:4386: warning[undocumented-status] status 429 is not documented for GET /v1/orders",
            "1:7599: error[spec-schema] missing required field \"request_id\" (breaks #/components/schemas/ServerError of GET /v1/charges)",
            "1:7629: error[spec-schema] \"/code\": \"InternalError\" does not match \"^[a-z][a-z0-9]*(_[a-z0-9]+)*$\" (breaks #/components/schemas/ServerError of GET /v1/charges)",
            "1:13035: error[spec-schema] \"/type\": \"invalid_request\" is not one of \"authentication\" (breaks #/components/schemas/AuthenticationError of GET /v1/orders/{order}/items)",
            "1:13491: warning[undocumented-operation] GET request matches no operation of the OpenAPI description",
        ]
    );
}

#[test]
fn without_a_description_the_global_list_applies() {
    // 429 is in the default documented list: only the description says GET /v1/orders lacks it.
    assert!(openapi_findings(&["testdata/real/chromium.har"]).is_empty());
}

#[test]
fn per_operation_findings_on_raw_http_in_a_warc_and_on_cassettes() {
    // A WARC holds raw HTTP responses with their requests' URLs.
    let warc = openapi_findings(&["--openapi", SERVER, "testdata/real/warc/wget.warc.gz"]);
    assert!(
        warc.contains(
            &"96:1: warning[undocumented-status] status 429 is not documented for GET /v1/orders"
                .to_string()
        ),
        "{warc:#?}"
    );
    assert!(
        warc.iter()
            .any(|l| l.contains("[spec-schema] missing required field \"request_id\"")),
        "{warc:#?}"
    );
    for cassette in [
        "testdata/real/vcrpy/requests.yaml",
        "testdata/real/go-vcr/errors.yaml",
        "testdata/real/ruby-vcr/net_http.yml",
    ] {
        let found = openapi_findings(&["--openapi", SERVER, cassette]);
        assert!(
            found
                .iter()
                .any(|l| l.ends_with("status 429 is not documented for GET /v1/orders")),
            "{cassette}: {found:#?}"
        );
        assert!(
            found.iter().any(|l| l.contains("[undocumented-operation]")),
            "{cassette}: {found:#?}"
        );
        assert!(
            found.iter().any(|l| l.contains("[spec-schema]")),
            "{cassette}: {found:#?}"
        );
    }
}

#[test]
fn raw_http_without_a_url_falls_back_to_documented_statuses() {
    let config = tempfile::tempdir().unwrap();
    let toml = config.path().join("errlint.toml");
    std::fs::write(
        &toml,
        format!(
            "openapi = {:?}\ndocumented-statuses = [200, 404]\n",
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(SERVER)
        ),
    )
    .unwrap();
    assert_eq!(
        openapi_findings(&[
            "--config",
            toml.to_str().unwrap(),
            "testdata/real/curl/orders-429.http"
        ]),
        ["1:1: warning[undocumented-status] status 429 is not a documented status"]
    );
}

#[test]
fn statistics_name_endpoints_by_the_description_s_templates() {
    let output = errlint(&[
        "check",
        "--openapi",
        SERVER,
        "testdata/real/chromium.har",
        "--statistics",
        "-f",
        "json",
    ]);
    let stats: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let text = stats.to_string();
    assert!(text.contains("GET /v1/orders/{order}/items"), "{text}");
    assert!(!text.contains("ord_1"), "{text}");
}

#[test]
fn examples_in_a_yaml_description_are_captures() {
    assert_eq!(
        findings(&["testdata/openapi/orders.yaml"]),
        [
            "18:17: error[status-type-mismatch] status 429 requires type \"rate_limit\", found \"api\"",
            "43:9: error[schema] missing required field \"param\"",
        ]
    );
    // With the description configured, its own schemas judge its examples too; `default`
    // is judged by the schemas alone (no code-format for "Internal-Error").
    assert_eq!(
        openapi_findings(&[
            "--openapi",
            "testdata/openapi/orders.yaml",
            "testdata/openapi/orders.yaml"
        ]),
        [
            "43:9: error[spec-schema] missing required field \"param\" (breaks #/components/schemas/Error of POST /v1/orders)",
            "37:24: error[spec-schema] \"/code\": \"Internal-Error\" does not match \"^[a-z_]+$\" (breaks #/components/schemas/Error of POST /v1/orders)",
        ]
    );
}

#[test]
fn examples_in_a_json_description_point_at_the_value() {
    assert_eq!(
        findings(&[
            "--openapi",
            "testdata/openapi/orders.json",
            "testdata/openapi/orders.json"
        ]),
        [
            "13:119: error[schema] \"param\" must be null or a string, found a number",
            "13:119: error[spec-schema] \"/param\": 7 is not of types \"null\", \"string\" (breaks #/components/schemas/Error of GET /v1/orders/{id})",
        ]
    );
    let output = errlint(&["check", "testdata/openapi/orders.json", "-f", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report["diagnostics"][0]["request"],
        serde_json::json!({"method": "GET", "url": "/v1/orders/{id}"})
    );
}

#[test]
fn a_broken_description_checked_as_a_capture_is_one_malformed_capture() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openapi.yaml");
    std::fs::write(&path, "openapi: 3.1.0\npaths: {/a: [\n").unwrap();
    let found = findings(&[path.to_str().unwrap()]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("error[malformed-capture]"), "{found:?}");
}

/// Writes a description and returns errlint's stderr and exit code with it configured.
fn refused(files: &[(&str, &str)]) -> (String, Option<i32>) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let output = Command::cargo_bin("errlint")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--openapi", "openapi.yaml", "/nonexistent-capture"])
        .output()
        .unwrap();
    assert!(output.stdout.is_empty());
    (
        String::from_utf8(output.stderr).unwrap(),
        output.status.code(),
    )
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\n";

#[test]
fn bad_descriptions_exit_2_naming_the_file_and_the_pointer_before_any_capture() {
    let cases: [(&[(&str, &str)], &str); 6] = [
        (
            &[("openapi.yaml", "title: not a description\n")],
            "--openapi: openapi.yaml: not an OpenAPI description",
        ),
        (
            &[(
                "openapi.yaml",
                &format!(
                    "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        \"400\": {{$ref: \"#/components/responses/A\"}}\ncomponents:\n  responses:\n    A: {{$ref: \"#/components/responses/B\"}}\n    B: {{$ref: \"#/components/responses/A\"}}\n"
                ),
            )],
            "openapi.yaml#/paths/~1a/get/responses/400: $ref \"#/components/responses/B\" is part of a cycle",
        ),
        (
            &[(
                "openapi.yaml",
                &format!(
                    "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        \"400\": {{$ref: \"gone.yaml#/E\"}}\n"
                ),
            )],
            "openapi.yaml#/paths/~1a/get/responses/400/$ref: $ref \"gone.yaml#/E\": cannot read gone.yaml",
        ),
        (
            &[(
                "openapi.yaml",
                &format!(
                    "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        \"400\": {{$ref: \"https://example.com/e.yaml#/E\"}}\n"
                ),
            )],
            "openapi.yaml#/paths/~1a/get/responses/400/$ref: $ref \"https://example.com/e.yaml#/E\" is not a local reference or a relative file",
        ),
        (
            &[(
                "openapi.yaml",
                &format!(
                    "{HEAD}paths:\n  /a/{{id:\n    get:\n      responses: {{\"200\": {{description: x}}}}\n"
                ),
            )],
            "openapi.yaml#/paths/~1a~1{id: unbalanced braces in the segment \"{id\"",
        ),
        (
            &[(
                "openapi.yaml",
                &format!(
                    "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        \"400\":\n          description: x\n          content:\n            application/json:\n              schema: {{type: object, properties: {{a: {{type: 12}}}}}}\n"
                ),
            )],
            "openapi.yaml#/paths/~1a/get/responses/400/content/application~1json/schema: the schema does not compile",
        ),
    ];
    for (files, expected) in cases {
        let (stderr, code) = refused(files);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.contains(expected),
            "expected {expected:?} in {stderr}"
        );
    }
}

#[test]
fn relative_files_are_followed_and_the_config_names_the_source() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("openapi.yaml"),
        format!("{HEAD}paths:\n  /a:\n    get:\n      responses:\n        \"400\":\n          description: x\n          content:\n            application/json:\n              schema: {{$ref: \"schemas/errors.yaml#/Error\"}}\n"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("schemas")).unwrap();
    std::fs::write(
        dir.path().join("schemas/errors.yaml"),
        "Error:\n  type: object\n  required: [code]\n  properties:\n    code: {type: string, nullable: true}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("errlint.toml"),
        "openapi = \"openapi.yaml\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.json"),
        r#"[{"status": 400, "method": "GET", "url": "https://x/a", "body": {"code": null}},
            {"status": 400, "method": "GET", "url": "https://x/a/", "body": {"message": "m"}}]"#,
    )
    .unwrap();
    let output = Command::cargo_bin("errlint")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "a.json", "-f", "concise", "-q"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let spec: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("[spec-schema]"))
        .collect();
    assert_eq!(
        spec,
        [
            "a.json:2:77: error[spec-schema] missing required field \"code\" (breaks schemas/errors.yaml#/Error of GET /a)"
        ],
        "{stdout}"
    );
    let output = Command::cargo_bin("errlint")
        .unwrap()
        .current_dir(dir.path())
        .args(["config"])
        .output()
        .unwrap();
    let config = String::from_utf8(output.stdout).unwrap();
    let line = config
        .lines()
        .find(|l| l.starts_with("openapi = "))
        .unwrap();
    assert!(
        line.contains("openapi.yaml") && line.contains("errlint.toml"),
        "{line}"
    );
}

/// Real public descriptions (see testdata/README.md): each loads and routes every one of
/// its own path templates back to an operation.
#[test]
fn real_public_descriptions_load() {
    let Some(dir) = support::shared("corpus/openapi") else {
        return;
    };
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            )
        })
        .collect();
    names.sort();
    assert!(names.len() >= 5, "{names:?}");
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        let result = errlint::openapi::Description::load(&path);
        if text
            .lines()
            .any(|l| l.starts_with("swagger:") || l.contains("\"swagger\":"))
        {
            // Swagger 2.0 is refused, whatever its YAML holds.
            assert!(result.is_err(), "{}", path.display());
            continue;
        }
        let value =
            errlint::openapi::parse_text(&text, &errlint::budget::Budget::default()).unwrap();
        let description = result.unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
        let templates: Vec<String> = value["paths"]
            .as_object()
            .map(|p| p.keys().filter(|k| k.starts_with('/')).cloned().collect())
            .unwrap_or_default();
        assert!(description.operation_count() > 0, "{}", path.display());
        for template in templates {
            let methods = value["paths"][&template]
                .as_object()
                .cloned()
                .unwrap_or_default();
            let Some(method) = ["get", "post", "put", "delete", "patch"]
                .into_iter()
                .find(|m| methods.contains_key(*m))
            else {
                continue;
            };
            let url = format!("https://host{}{template}", first_base(&value));
            assert!(
                matches!(
                    description.match_request(Some(method), Some(&url)),
                    errlint::openapi::Match::Operation(_)
                ),
                "{}: {method} {url}",
                path.display()
            );
        }
    }
}

fn first_base(value: &serde_json::Value) -> String {
    let Some(url) = value["servers"][0]["url"].as_str() else {
        return String::new();
    };
    let mut url = url.to_string();
    if let Some(vars) = value["servers"][0]["variables"].as_object() {
        for (name, var) in vars {
            url = url.replace(
                &format!("{{{name}}}"),
                var["default"].as_str().unwrap_or(""),
            );
        }
    }
    let path = errlint::endpoint::path_of(&url);
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    path.trim_end_matches('/').to_string()
}
