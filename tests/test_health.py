"""Run verdicts: what a scheduled job's exit code says."""

from liuzhou_spider.health import ExitCode, assess, collapsed_columns


def test_success_partial_failed_blocked_interrupted():
    ok = {"liuzhou/pages": 100}
    assert assess(ok, "finished").exit_code == ExitCode.SUCCESS
    assert assess({**ok, "liuzhou/parse_errors": 2}, "finished").exit_code == ExitCode.PARTIAL
    assert assess({**ok, "retry/max_reached": 50}, "finished").exit_code == ExitCode.FAILED
    assert assess({}, "finished").exit_code == ExitCode.FAILED
    # resumed after a pause that came once every page was fetched: nothing was left to do
    assert assess({"liuzhou/resumed": True}, "finished").exit_code == ExitCode.SUCCESS
    assert assess({**ok, "liuzhou/blocked": 1}, "blocked").exit_code == ExitCode.BLOCKED
    assert assess(ok, "shutdown").exit_code == ExitCode.INTERRUPTED
    assert assess({**ok, "liuzhou/chrome_leaks": 1}, "finished").exit_code == ExitCode.PARTIAL


def test_a_collapsed_column_list_fails_the_health_check():
    before = {"/tzdt/": 20, "/gzsx/": 18, "/tiny/": 2}
    assert collapsed_columns(before, {"/tzdt/": 19, "/gzsx/": 17}) == []
    assert collapsed_columns(before, {"/tzdt/": 3, "/gzsx/": 18}) == ["/tzdt/"]
    outcome = assess({"liuzhou/pages": 10, "liuzhou/collapsed_columns": ["/tzdt/"]}, "finished")
    assert outcome.exit_code == ExitCode.UNHEALTHY
    assert "/tzdt/" in outcome.reason


def test_pages_not_stored_and_pipeline_errors_are_never_success():
    ok = {"liuzhou/pages": 100}
    partial = assess({**ok, "liuzhou/write_errors": 3}, "finished")
    assert partial.status == "partial" and "could not be stored" in partial.reason
    assert assess({**ok, "liuzhou/write_errors": 60}, "finished").status == "failed"
    stopped = assess({**ok, "liuzhou/write_errors": 1}, "storage_failed")
    assert stopped.exit_code == ExitCode.FAILED and "stopped" in stopped.reason
    assert assess({**ok, "liuzhou/item_errors": 1}, "finished").status == "partial"


def test_an_unreadable_pager_fails_the_health_check_naming_the_page():
    stats = {"liuzhou/pages": 10, "liuzhou/pager_unreadable": 1,
             "liuzhou/pager_unreadable_urls": ["https://www.lztz.gov.cn/gzsx/"]}
    outcome = assess(stats, "finished")
    assert outcome.exit_code == ExitCode.UNHEALTHY
    assert "https://www.lztz.gov.cn/gzsx/" in outcome.reason
    assert outcome.checks["unreadable_pagers"] == 1
