"""Startup configuration: loading a config file (directives, quoting, include),
the command line overriding it, and fatal errors for bad directives (exit code
1 and a message naming the line; Vigil also names the file)."""

import subprocess

import pytest

import harness

GOOD_CONFIG = """# Vigil integration test configuration
bind 127.0.0.1
loglevel verbose
enable-debug-command yes
notify-keyspace-events KEA
propagation-error-behavior panic
   maxmemory-policy "allkeys-lru"
slowlog-max-len 99
"""


def config_get(client, name):
    return client.config_get(name)[name]


def run_with_config(tmp_path, text, *args):
    """Start the server under test on a config that must fail; returns
    (exit code, combined output)."""
    path = tmp_path / "bad.conf"
    path.write_text(text)
    proc = subprocess.run([harness.server_binary(), str(path), *args],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, cwd=tmp_path, timeout=30)
    return proc.returncode, proc.stdout.decode(errors="replace"), path


def test_config_file_loads(server_factory):
    srv = server_factory(config_file=GOOD_CONFIG)
    client = srv.client()
    assert config_get(client, "bind") == "127.0.0.1"
    assert config_get(client, "loglevel") == "verbose"
    assert config_get(client, "enable-debug-command") == "yes"
    assert set(config_get(client, "notify-keyspace-events")) == set("AKE")
    assert config_get(client, "propagation-error-behavior") == "panic"
    assert config_get(client, "maxmemory-policy") == "allkeys-lru"
    assert config_get(client, "slowlog-max-len") == "99"
    client.close()


def test_command_line_overrides_file(server_factory):
    srv = server_factory(config_file="port 1\nhz 11\nslowlog-max-len 5\n",
                         config={"slowlog-max-len": 6})
    client = srv.client()
    assert config_get(client, "port") == str(srv.port)
    assert config_get(client, "slowlog-max-len") == "6"
    assert config_get(client, "hz") == "11"
    client.close()


def test_include_directive(server_factory, tmp_path):
    extra = tmp_path / "extra.conf"
    extra.write_text("hz 33\n")
    srv = server_factory(config_file=f"hz 5\ninclude {extra}\n")
    assert config_get(srv.client(), "hz") == "33"


def test_unknown_directive_fails_startup(tmp_path):
    code, output, _ = run_with_config(tmp_path, "port 0\nfoobar yes\n")
    assert code == 1
    assert "at line 2" in output
    assert ">>> 'foobar \"yes\"'" in output or ">>> 'foobar yes'" in output
    assert "Bad directive or wrong number of arguments" in output


def test_wrong_argument_count_fails_startup(tmp_path):
    code, output, _ = run_with_config(tmp_path, "port 0\n\n# comment\nport 1 2\n")
    assert code == 1
    assert "at line 4" in output and ">>> 'port 1 2'" in output
    assert "wrong number of arguments" in output


def test_bad_enum_value_fails_startup(tmp_path):
    code, output, _ = run_with_config(tmp_path, "port 0\nmaxmemory-policy nosuch\n")
    assert code == 1
    assert "at line 2" in output
    assert "argument(s) must be one of the following" in output


def test_unknown_command_line_option_fails_startup(tmp_path):
    code, output, _ = run_with_config(tmp_path, "port 0\n", "--nosuchoption", "1")
    assert code == 1
    assert "Bad directive or wrong number of arguments" in output


def test_missing_config_file_fails_startup(tmp_path):
    proc = subprocess.run([harness.server_binary(), str(tmp_path / "absent.conf")],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, timeout=30)
    assert proc.returncode == 1
    assert "absent.conf" in proc.stdout.decode(errors="replace")


@pytest.mark.vigil_only
def test_config_error_names_the_file(tmp_path):
    code, output, path = run_with_config(tmp_path, "port 0\nfoobar yes\n")
    assert code == 1
    assert f"Reading the configuration file {path}, at line 2" in output
