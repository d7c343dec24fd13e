#!/usr/bin/env bash
# ccrouter installer: sets up Claude Code to use a ccrouter gateway (with an OpenRouter key) or Moonshot's
# Anthropic-compatible API. A ccrouter instance serves this file at /install.sh with its own URL filled in below.
#
#   bash -c "$(curl -fsSL <instance>/install.sh)"                          asks its questions
#   curl -fsSL <instance>/install.sh | OPENROUTER_API_KEY=sk-or-v1-… bash   asks nothing
#
# It installs Node.js 18+ when missing (apt-get, dnf or brew), installs Claude Code with npm, marks Claude Code's
# onboarding complete in ~/.claude.json, keeps the key in a file of its own that only you can read, and writes one
# block of environment variables to your shell's rc file (a timestamped backup is kept; a second run replaces the
# block) — or, with --claude-settings, only to Claude Code's own ~/.claude/settings.json. --help lists every option.
# Written for bash 3.2 and later (macOS ships 3.2): no associative arrays, no ${var,,}, no mapfile.

# The only lines the server changes: the instance that served this script, and "required" when that instance has
# keys of its own (auth.keys), which its users give instead of their OpenRouter key.
INSTANCE_URL='__CCROUTER_INSTANCE_URL__'
GATEWAY_KEYS='__CCROUTER_GATEWAY_KEYS__'

# `curl … | sh` runs this with sh (dash on Debian and Ubuntu), which would stop at pipefail with a cryptic error.
if [ -z "${BASH_VERSION:-}" ]; then
  printf '%s\n' "ccrouter install: this installer needs bash, not sh: curl -fsSL $INSTANCE_URL/install.sh | bash (or bash -c \"\$(curl -fsSL $INSTANCE_URL/install.sh)\")" >&2
  exit 2
fi
set -euo pipefail

BLOCK_BEGIN='# >>> ccrouter >>>'
BLOCK_END='# <<< ccrouter <<<'
NODE_MIN_MAJOR=18
CLAUDE_PACKAGE='@anthropic-ai/claude-code'
# The Claude Code release this gateway is tested with; --claude-version installs another (or "latest").
CLAUDE_CODE_VERSION='2.1.332'

# Defaults per provider. For the gateway they are Claude names, which the gateway maps to the OpenRouter models its
# operator chose: Claude Code knows them, so its model picker and /cost name and price the right model (an OpenRouter
# id such as anthropic/claude-opus-4.6 reads to it as the retired Claude Opus 4, priced at three times the rate).
GATEWAY_MODEL='claude-opus-4-6'
GATEWAY_SMALL_MODEL='claude-haiku-4-5'
MOONSHOT_MODEL='kimi-k2.5'
MOONSHOT_SMALL_MODEL='kimi-k2-turbo-preview'
MOONSHOT_URL='https://api.moonshot.ai/anthropic'
MOONSHOT_CN_URL='https://api.moonshot.cn/anthropic'

# What a value may contain. Everything written to the rc file must pass one of these, which keeps it inert inside
# single and double quotes in bash, zsh and fish alike.
URL_PATTERN='^https?://([A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$'
KEY_PATTERN='^[A-Za-z0-9._~+/=-]{8,512}$'
MODEL_PATTERN='^[A-Za-z0-9._~:@+/-]{1,200}(\[[a-z0-9]{1,8}\])?$'
VERSION_PATTERN='^([0-9]+\.[0-9]+\.[0-9]+|latest|stable)$'

usage() {
  cat <<EOF
ccrouter installer: Claude Code through ${INSTANCE_URL} (or Moonshot).

Usage: bash install.sh [options]         (or: curl -fsSL ${INSTANCE_URL}/install.sh | bash -s -- [options])

  --provider NAME    gateway (this ccrouter, with $(gateway_key_words); the default), moonshot (api.moonshot.ai)
                     or moonshot-cn (api.moonshot.cn)                                       [CCROUTER_PROVIDER]
  --key KEY          API key for that provider. Prefer the environment or the prompt: arguments show up in
                     ps and in your shell history                                           [CCROUTER_KEY]
  --model ID         main model (gateway: ${GATEWAY_MODEL}, Moonshot: ${MOONSHOT_MODEL})     [CCROUTER_MAIN_MODEL]
  --small-model ID   small/fast model for background work
                     (gateway: ${GATEWAY_SMALL_MODEL}, Moonshot: ${MOONSHOT_SMALL_MODEL})    [CCROUTER_SMALL_MODEL]
  --url URL          the gateway's URL (default: ${INSTANCE_URL})                        [CCROUTER_URL]
  --shell-rc FILE    the rc file to write (default: from \$SHELL: ~/.bashrc, ~/.zshrc,
                     ~/.config/fish/config.fish, else ~/.profile)                          [CCROUTER_SHELL_RC]
  --claude-settings  configure Claude Code alone, in the "env" of ~/.claude/settings.json (kept private: 0600),
                     instead of exporting variables to every program of every shell    [CCROUTER_CLAUDE_SETTINGS=1]
  --claude-version V Claude Code version to install when it is missing
                     (default ${CLAUDE_CODE_VERSION}, the one this gateway is tested with; or latest) [CCROUTER_CLAUDE_VERSION]
  --statusline       show each session's cost in Claude Code's status line ("statusLine" in
                     ~/.claude/settings.json), replacing one set there; --no-statusline: never. Without
                     either it is asked on a terminal; only a gateway on this machine can answer it
                                                                                 [CCROUTER_STATUSLINE=1 or 0]
  --aliases          also write cc-openrouter, cc-moonshot, cc-moonshot-cn and cc-anthropic aliases
                     to the rc file                                                         [CCROUTER_ALIASES=1]
  --yes, -y          ask nothing: take defaults for everything not given                    [CCROUTER_YES=1]
  --skip-node        do not check or install Node.js                                        [CCROUTER_SKIP_NODE=1]
  --skip-claude      do not install Claude Code                                             [CCROUTER_SKIP_CLAUDE=1]
  --help, -h         this text

When stdin is not a terminal (curl … | bash) it asks nothing either, and the key must come from --key or
CCROUTER_KEY (or $(gateway_key_var) / MOONSHOT_API_KEY when the environment already has it).
Exit status: 0 done, 1 a step failed, 2 bad or missing input.
EOF
}

say() { printf '%s\n' "$*"; }
step() { printf '==> %s\n' "$*"; }
warn() { printf 'ccrouter install: warning: %s\n' "$*" >&2; }
die() { printf 'ccrouter install: %s\n' "$*" >&2; exit 1; }
die_usage() { printf 'ccrouter install: %s\n' "$*" >&2; exit 2; }

matches() { [[ $1 =~ $2 ]]; }

# The key is never printed whole: its first 6 and last 4 characters are enough to recognise it.
mask() {
  if [ "${#1}" -le 16 ]; then printf '****'; else printf '%s…%s' "${1:0:6}" "${1:$((${#1} - 4))}"; fi
}

# ---------------------------------------------------------------------------------------------------------------
# Input: flags (which win over the environment), then questions on a terminal for whatever is still missing.

parse_args() {
  provider=${CCROUTER_PROVIDER:-}
  key=${CCROUTER_KEY:-}
  main_model=${CCROUTER_MAIN_MODEL:-}
  small_model=${CCROUTER_SMALL_MODEL:-}
  gateway_url=${CCROUTER_URL:-}
  shell_rc=${CCROUTER_SHELL_RC:-}
  write_aliases=${CCROUTER_ALIASES:-}
  assume_yes=${CCROUTER_YES:-}
  skip_node=${CCROUTER_SKIP_NODE:-}
  skip_claude=${CCROUTER_SKIP_CLAUDE:-}
  claude_settings=${CCROUTER_CLAUDE_SETTINGS:-}
  statusline=${CCROUTER_STATUSLINE:-}
  claude_version=${CCROUTER_CLAUDE_VERSION:-$CLAUDE_CODE_VERSION}
  [ "$claude_settings" = 0 ] && claude_settings=
  [ "$write_aliases" = 0 ] && write_aliases=
  [ "$assume_yes" = 0 ] && assume_yes=
  [ "$skip_node" = 0 ] && skip_node=
  [ "$skip_claude" = 0 ] && skip_claude=

  local arg value
  while [ $# -gt 0 ]; do
    arg=$1
    shift
    value=
    case $arg in
      --provider=* | --key=* | --model=* | --small-model=* | --url=* | --shell-rc=* | --claude-version=*)
        value=${arg#*=}
        arg=${arg%%=*}
        ;;
      --provider | --key | --model | --small-model | --url | --shell-rc | --claude-version)
        [ $# -gt 0 ] || die_usage "$arg needs a value (see --help)"
        value=$1
        shift
        ;;
    esac
    case $arg in
      --provider) provider=$value ;;
      --key) key=$value ;;
      --model) main_model=$value ;;
      --small-model) small_model=$value ;;
      --url) gateway_url=$value ;;
      --shell-rc) shell_rc=$value ;;
      --claude-version) claude_version=$value ;;
      --claude-settings) claude_settings=1 ;;
      --statusline) statusline=1 ;;
      --no-statusline) statusline=0 ;;
      --aliases) write_aliases=1 ;;
      --yes | -y) assume_yes=1 ;;
      --skip-node) skip_node=1 ;;
      --skip-claude) skip_claude=1 ;;
      --help | -h)
        usage
        exit 0
        ;;
      -*) die_usage "unknown option $arg (see --help)" ;;
      # Not echoed: a stray value is most often a key that lost its --key.
      *) die_usage "unexpected argument (not shown, in case it is a key): values go after an option such as --key (see --help)" ;;
    esac
  done
  matches "$claude_version" "$VERSION_PATTERN" ||
    die_usage "--claude-version must be a version such as $CLAUDE_CODE_VERSION, or latest"
}

# Interactive only when a person can answer: stdin is a terminal and --yes was not given.
decide_interactive() {
  interactive=
  if [ -z "$assume_yes" ] && [ -t 0 ]; then interactive=1; fi
}

ask() { # ask PROMPT DEFAULT → the answer (or DEFAULT) in $reply
  printf '%s' "$1" >&2
  IFS= read -r reply || die_usage "no answer: input ended"
  reply=${reply#"${reply%%[![:space:]]*}"}
  reply=${reply%"${reply##*[![:space:]]}"}
  [ -n "$reply" ] || reply=$2
}

normalize_provider() {
  case $1 in
    gateway | openrouter | ccrouter) printf 'gateway' ;;
    moonshot | moonshot-global | kimi) printf 'moonshot' ;;
    moonshot-cn | moonshot-china | kimi-cn) printf 'moonshot-cn' ;;
    *) return 1 ;;
  esac
}

choose_provider() {
  if [ -n "$provider" ]; then
    local known
    known=$(normalize_provider "$provider") ||
      die_usage "unknown provider '$provider': use gateway, moonshot or moonshot-cn"
    provider=$known
    return
  fi
  if [ -z "$interactive" ]; then
    provider=gateway
    return
  fi
  say "Which provider should Claude Code use?"
  say "  1) this ccrouter gateway ($(gateway_base_url)), with $(gateway_key_words)"
  say "  2) Moonshot (Kimi), global: $MOONSHOT_URL"
  say "  3) Moonshot (Kimi), China:  $MOONSHOT_CN_URL"
  while :; do
    ask "Choice [1]: " 1
    case $reply in
      1) provider=gateway ;;
      2) provider=moonshot ;;
      3) provider=moonshot-cn ;;
      *) provider=$(normalize_provider "$reply") || {
        say "Please answer 1, 2 or 3."
        continue
      } ;;
    esac
    return
  done
}

# The key the gateway takes: its users' own OpenRouter keys, or one of its own keys when it has them; and the
# variable that keeps it (not CCROUTER_KEY for a gateway key: a second run would take that one without asking).
gateway_key_words() {
  if [ "$GATEWAY_KEYS" = required ]; then printf 'a key from its operator'; else printf 'your OpenRouter key'; fi
}
gateway_key_var() {
  if [ "$GATEWAY_KEYS" = required ]; then printf CCROUTER_GATEWAY_KEY; else printf OPENROUTER_API_KEY; fi
}

gateway_base_url() {
  if [ -n "$gateway_url" ]; then printf '%s' "${gateway_url%/}"; else printf '%s' "$INSTANCE_URL"; fi
}

# Everything that depends on the provider: where Claude Code goes, the variable that holds the key, defaults.
describe_provider() {
  case $provider in
    gateway)
      base_url=$(gateway_base_url)
      matches "$base_url" "$URL_PATTERN" || {
        if [ -n "$gateway_url" ]; then
          die_usage "--url / CCROUTER_URL is not a plain http(s) URL: use the form https://ccrouter.example.com"
        fi
        die_usage "this script has no gateway URL filled in; fetch it from a ccrouter instance (<instance>/install.sh) or pass --url"
      }
      base_url=${base_url%/}
      key_var=$(gateway_key_var)
      key_label="OpenRouter API key (https://openrouter.ai/keys)"
      provider_label="the ccrouter gateway at $base_url, with an OpenRouter key"
      if [ "$GATEWAY_KEYS" = required ]; then
        key_label="key for this gateway (its operator gives them out)"
        provider_label="the ccrouter gateway at $base_url, with a gateway key"
      fi
      default_model=$GATEWAY_MODEL
      default_small_model=$GATEWAY_SMALL_MODEL
      ;;
    moonshot | moonshot-cn)
      if [ "$provider" = moonshot ]; then
        base_url=$MOONSHOT_URL
        key_label="Moonshot API key (https://platform.moonshot.ai/console/api-keys)"
        provider_label="Moonshot (global), $base_url"
      else
        base_url=$MOONSHOT_CN_URL
        key_label="Moonshot API key (https://platform.moonshot.cn/console/api-keys)"
        provider_label="Moonshot (China), $base_url"
      fi
      key_var=MOONSHOT_API_KEY
      default_model=$MOONSHOT_MODEL
      default_small_model=$MOONSHOT_SMALL_MODEL
      ;;
  esac
}

choose_key() {
  local known=${!key_var:-} # the provider's own variable, e.g. set by an earlier run of this installer
  if [ -z "$key" ] && [ -n "$known" ] && [ -z "$interactive" ]; then
    key=$known
  fi
  if [ -n "$key" ]; then
    matches "$key" "$KEY_PATTERN" ||
      die_usage "the API key does not look like one: 8 to 512 letters, digits or . _ ~ + / = -"
    return
  fi
  if [ -z "$interactive" ]; then
    if [ -n "$assume_yes" ]; then
      die_usage "no API key: --yes means no questions, so pass it as CCROUTER_KEY=… (or --key)"
    fi
    die_usage "no API key, and stdin is not a terminal to ask on. Run: curl -fsSL $INSTANCE_URL/install.sh | CCROUTER_KEY=<your $key_label> bash -s -- --yes
  or interactively: bash -c \"\$(curl -fsSL $INSTANCE_URL/install.sh)\""
  fi
  while :; do
    if [ -n "$known" ]; then
      printf '%s, hidden; Enter keeps %s: ' "$key_label" "$(mask "$known")" >&2
    else
      printf '%s, hidden: ' "$key_label" >&2
    fi
    IFS= read -rs key || die_usage "no answer: input ended"
    printf '\n' >&2
    [ -n "$key" ] || key=$known
    if matches "$key" "$KEY_PATTERN"; then return; fi
    say "That does not look like an API key (8 to 512 letters, digits or . _ ~ + / = -). Please paste it again."
    key=
  done
}

choose_model() { # choose_model VALUE DEFAULT LABEL → $reply
  local value=$1 default=$2 label=$3
  if [ -z "$value" ] && [ -n "$interactive" ]; then
    while :; do
      ask "$label [$default]: " "$default"
      if matches "$reply" "$MODEL_PATTERN"; then return; fi
      say "A model id is letters, digits and . _ ~ : @ + / - (for example $default)."
    done
  fi
  reply=${value:-$default}
  matches "$reply" "$MODEL_PATTERN" ||
    die_usage "$label '$reply' is not a model id: letters, digits and . _ ~ : @ + / - (for example $default)"
}

choose_models() {
  choose_model "$main_model" "$default_model" "Main model"
  main_model=$reply
  choose_model "$small_model" "$default_small_model" "Small/fast model"
  small_model=$reply
}

choose_rc_file() {
  if [ -n "$shell_rc" ]; then
    case $shell_rc in
      *$'\n'* | *"'"*) die_usage "--shell-rc must be a plain file path" ;;
    esac
    [ ! -d "$shell_rc" ] || die_usage "--shell-rc $shell_rc is a directory; give the rc file itself"
    rc_file=$shell_rc
  else
    case ${SHELL##*/} in
      zsh) rc_file=${ZDOTDIR:-$HOME}/.zshrc ;;
      bash)
        # macOS terminals start login shells, which read ~/.bash_profile rather than ~/.bashrc.
        if [ "$(uname -s)" = Darwin ]; then rc_file=$HOME/.bash_profile; else rc_file=$HOME/.bashrc; fi
        ;;
      fish) rc_file=${XDG_CONFIG_HOME:-$HOME/.config}/fish/config.fish ;;
      *) rc_file=$HOME/.profile ;;
    esac
  fi
  case $rc_file in
    *.fish) rc_syntax=fish ;;
    *) rc_syntax=posix ;;
  esac
  # The key lives apart from the rc file (which dotfile managers share and backups copy), readable by you alone.
  key_dir=${XDG_CONFIG_HOME:-$HOME/.config}/ccrouter
  if [ "$rc_syntax" = fish ]; then key_file=$key_dir/keys.fish; else key_file=$key_dir/keys.sh; fi
  case $key_file in
    *$'\n'* | *"'"*) die_usage "cannot write the key file $key_file: its path holds a quote or a line break" ;;
  esac
  settings_file=$HOME/.claude/settings.json
}

# The status line: the running gateway answers it (POST /statusline), to clients on its own machine only. The command
# is the ccrouter launcher when it is on the PATH (it asks the gateway without starting Java), else curl.
choose_statusline() {
  statusline_command=
  [ "$provider" = gateway ] && [ "$statusline" != 0 ] || return 0
  if ! matches "$base_url" '^http://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]{1,5})?$'; then
    [ "$statusline" != 1 ] || warn "--statusline: only a gateway on this machine answers the status line, not $base_url"
    return 0
  fi
  if [ -z "$statusline" ]; then
    [ -n "$interactive" ] || return 0
    ask "Show each session's cost in Claude Code's status line (statusLine in ~/.claude/settings.json)? [Y/n] " y
    case $reply in
      y | Y | yes | Yes | YES) ;;
      *) return 0 ;;
    esac
  fi
  local launcher
  launcher=$(command -v ccrouter 2>/dev/null || true)
  if [ -n "$launcher" ] && matches "$launcher" '^/[A-Za-z0-9._/+-]+$'; then
    statusline_command="$launcher statusline"
  else
    statusline_command="curl -sf --max-time 2 -H 'content-type: application/json' --data-binary @- $base_url/statusline"
  fi
}

confirm() {
  [ -n "$interactive" ] || return 0
  say ""
  say "Ready to set up Claude Code with:"
  say "  provider          $provider_label"
  say "  key               $(mask "$key")"
  say "  main model        $main_model"
  say "  small/fast model  $small_model"
  if [ -n "$claude_settings" ]; then
    say "  settings go to    $settings_file (Claude Code only)"
  else
    say "  settings go to    $rc_file (the key to $key_file)"
  fi
  [ -z "$statusline_command" ] || say "  status line       $statusline_command"
  ask "Go ahead? [Y/n] " y
  case $reply in
    y | Y | yes | Yes | YES) ;;
    *) die_usage "stopped; nothing was changed" ;;
  esac
}

# ---------------------------------------------------------------------------------------------------------------
# Node.js and Claude Code.

# Shows what runs before running it: nothing is run with sudo without saying so.
run() {
  say "    \$ $*"
  "$@" </dev/null || die "this failed (exit $?): $*"
}

run_as_root() {
  if [ "$(id -u)" = 0 ]; then
    run "$@"
  elif command -v sudo >/dev/null 2>&1; then
    say "    (needs root: sudo may ask for your password)"
    run sudo "$@"
  else
    die "installing needs root and sudo is missing; run as root: $*"
  fi
}

node_major() {
  local version
  version=$(node --version 2>/dev/null) || return 1
  version=${version#v}
  version=${version%%.*}
  matches "$version" '^[0-9]+$' || return 1
  printf '%s' "$version"
}

install_node() {
  if [ "$(uname -s)" = Darwin ]; then
    command -v brew >/dev/null 2>&1 ||
      die "Node.js $NODE_MIN_MAJOR+ is needed: install Homebrew (https://brew.sh) or Node.js (https://nodejs.org), then run this again (or pass --skip-node)"
    step "Installing Node.js with Homebrew"
    run brew install node
  elif command -v apt-get >/dev/null 2>&1; then
    step "Installing Node.js with apt-get (the distribution's package)"
    run_as_root apt-get update
    run_as_root apt-get install -y nodejs npm
  elif command -v dnf >/dev/null 2>&1; then
    step "Installing Node.js with dnf (the distribution's package)"
    run_as_root dnf install -y nodejs npm
  elif command -v brew >/dev/null 2>&1; then
    step "Installing Node.js with Homebrew"
    run brew install node
  else
    die "Node.js $NODE_MIN_MAJOR+ is needed and no apt-get, dnf or brew was found to install it: install it from https://nodejs.org (or with nvm), then run this again (or pass --skip-node)"
  fi
  hash -r
}

ensure_node() {
  if [ -n "$skip_node" ]; then
    step "Not checking Node.js (--skip-node)"
    return
  fi
  local major
  if major=$(node_major) && [ "$major" -ge "$NODE_MIN_MAJOR" ]; then
    step "Node.js $(node --version) is installed"
    return
  fi
  if [ -n "${major:-}" ]; then
    step "Node.js $(node --version) is too old: Claude Code needs $NODE_MIN_MAJOR or newer"
  else
    step "Node.js is not installed: Claude Code needs version $NODE_MIN_MAJOR or newer"
  fi
  install_node
  if major=$(node_major) && [ "$major" -ge "$NODE_MIN_MAJOR" ]; then
    step "Node.js $(node --version) is installed"
    return
  fi
  die "Node.js $NODE_MIN_MAJOR+ is still missing (found: $(node --version 2>/dev/null || echo none)); the system's package may be too old. Install a current one from https://nodejs.org (or with nvm) and run this again."
}

ensure_claude() {
  if [ -n "$skip_claude" ]; then
    step "Not installing Claude Code (--skip-claude)"
    return
  fi
  if command -v claude >/dev/null 2>&1; then
    step "Claude Code is installed: $(claude --version 2>/dev/null | head -n 1)"
    return
  fi
  command -v npm >/dev/null 2>&1 ||
    die "npm is missing, so Claude Code cannot be installed: install Node.js $NODE_MIN_MAJOR+ with npm, then run this again"
  step "Installing Claude Code $claude_version (npm install -g $CLAUDE_PACKAGE@$claude_version)"
  # npm writes global packages under its prefix; with a system Node.js that is /usr (root's), with nvm or brew the user's.
  local prefix
  prefix=$(npm prefix -g 2>/dev/null </dev/null) || prefix=
  if [ -n "$prefix" ] && [ -d "$prefix" ] && [ ! -w "$prefix" ] && [ "$(id -u)" != 0 ]; then
    run_as_root npm install -g "$CLAUDE_PACKAGE@$claude_version"
  else
    run npm install -g "$CLAUDE_PACKAGE@$claude_version"
  fi
  hash -r
  if command -v claude >/dev/null 2>&1; then
    step "Claude Code is installed: $(claude --version 2>/dev/null | head -n 1)"
  else
    warn "npm installed Claude Code, but 'claude' is not on your PATH: add $(npm prefix -g 2>/dev/null </dev/null || echo '<npm prefix>')/bin to PATH"
  fi
}

# ---------------------------------------------------------------------------------------------------------------
# ~/.claude.json: without hasCompletedOnboarding, Claude Code starts with its login and theme screens instead of
# using the key. The file holds much else (projects, history settings), so it is merged, never overwritten.

NODE_MERGE='
const fs = require("fs");
const file = process.argv[1];
const text = fs.readFileSync(file, "utf8");
const data = text.trim() === "" ? {} : JSON.parse(text);
if (data === null || typeof data !== "object" || Array.isArray(data)) throw new Error("not a JSON object");
data.hasCompletedOnboarding = true;
fs.writeFileSync(file, JSON.stringify(data, null, 2) + "\n");
'
PYTHON_MERGE='
import json, sys
path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    text = f.read()
data = json.loads(text) if text.strip() else {}
if not isinstance(data, dict):
    sys.exit("not a JSON object")
data["hasCompletedOnboarding"] = True
with open(path, "w", encoding="utf-8") as f:
    json.dump(data, f, indent=2, ensure_ascii=False)
    f.write("\n")
'

mark_onboarding_complete() {
  local file=$HOME/.claude.json
  if [ ! -e "$file" ]; then
    printf '{\n  "hasCompletedOnboarding": true\n}\n' >"$file"
    step "Created $file (onboarding marked complete)"
    return
  fi
  if grep -Eq '"hasCompletedOnboarding"[[:space:]]*:[[:space:]]*true' "$file"; then
    step "$file already marks onboarding complete"
    return
  fi
  local backup
  backup=$(backup_path "$file")
  cp -p "$file" "$backup"
  # node is there whenever Claude Code is; python3 covers --skip-node on machines without it.
  if command -v node >/dev/null 2>&1; then
    node -e "$NODE_MERGE" "$file" </dev/null ||
      die "could not update $file (is it valid JSON?); add \"hasCompletedOnboarding\": true to it by hand"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c "$PYTHON_MERGE" "$file" </dev/null ||
      die "could not update $file (is it valid JSON?); add \"hasCompletedOnboarding\": true to it by hand"
  else
    rm -f "$backup"
    warn "neither node nor python3 is here to edit $file as JSON: add \"hasCompletedOnboarding\": true to it by hand"
    return
  fi
  step "Marked onboarding complete in $file, keeping its other settings (backup: $backup)"
}

# ---------------------------------------------------------------------------------------------------------------
# --claude-settings: the same variables in the "env" of Claude Code's own settings, for Claude Code alone. The file
# holds other settings too (permissions, hooks), so it is merged; it holds the key, so it is made private.

NODE_SETTINGS='
const fs = require("fs");
const [file, baseUrl, model, smallModel] = process.argv.slice(1);
const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
const data = text.trim() === "" ? {} : JSON.parse(text);
if (data === null || typeof data !== "object" || Array.isArray(data)) throw new Error("not a JSON object");
const env = data.env !== null && typeof data.env === "object" && !Array.isArray(data.env) ? data.env : {};
Object.assign(env, {ANTHROPIC_BASE_URL: baseUrl, ANTHROPIC_AUTH_TOKEN: process.env.CCROUTER_SETTINGS_KEY,
  ANTHROPIC_API_KEY: "", ANTHROPIC_MODEL: model, ANTHROPIC_DEFAULT_HAIKU_MODEL: smallModel,
  ANTHROPIC_SMALL_FAST_MODEL: smallModel});
data.env = env;
fs.writeFileSync(file, JSON.stringify(data, null, 2) + "\n", {mode: 0o600});
'
PYTHON_SETTINGS='
import json, os, sys
path, base_url, model, small_model = sys.argv[1:5]
text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
data = json.loads(text) if text.strip() else {}
if not isinstance(data, dict):
    sys.exit("not a JSON object")
env = data.get("env") if isinstance(data.get("env"), dict) else {}
env.update({"ANTHROPIC_BASE_URL": base_url, "ANTHROPIC_AUTH_TOKEN": os.environ["CCROUTER_SETTINGS_KEY"],
            "ANTHROPIC_API_KEY": "", "ANTHROPIC_MODEL": model, "ANTHROPIC_DEFAULT_HAIKU_MODEL": small_model,
            "ANTHROPIC_SMALL_FAST_MODEL": small_model})
data["env"] = env
with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as f:
    json.dump(data, f, indent=2, ensure_ascii=False)
    f.write("\n")
'

write_claude_settings() {
  local backup='' tool
  if command -v node >/dev/null 2>&1; then tool=node; elif command -v python3 >/dev/null 2>&1; then tool=python3; else
    die "neither node nor python3 is here to write $settings_file as JSON; run this again without --claude-settings"
  fi
  mkdir -p "$(dirname "$settings_file")"
  if [ -e "$settings_file" ]; then
    backup=$(backup_path "$settings_file")
    cp -p "$settings_file" "$backup"
    chmod 600 "$backup"
  fi
  if [ "$tool" = node ]; then
    CCROUTER_SETTINGS_KEY=$key node -e "$NODE_SETTINGS" "$settings_file" "$base_url" "$main_model" "$small_model" </dev/null ||
      die "could not update $settings_file (is it valid JSON?)"
  else
    CCROUTER_SETTINGS_KEY=$key python3 -c "$PYTHON_SETTINGS" "$settings_file" "$base_url" "$main_model" "$small_model" </dev/null ||
      die "could not update $settings_file (is it valid JSON?)"
  fi
  chmod 600 "$settings_file"
  step "Wrote Claude Code's settings to $settings_file (readable by you alone${backup:+; backup: $backup})"
}

# The status line goes into the same file, merged: a status line set there before is kept unless --statusline asked to
# replace it. A new file is made private (it may come to hold keys); an existing one keeps its permissions.
NODE_STATUSLINE='
const fs = require("fs");
const [file, command, replace] = process.argv.slice(1);
const exists = fs.existsSync(file);
const text = exists ? fs.readFileSync(file, "utf8") : "";
const data = text.trim() === "" ? {} : JSON.parse(text);
if (data === null || typeof data !== "object" || Array.isArray(data)) throw new Error("not a JSON object");
const current = data.statusLine;
if (current && current.command === command) { console.log("same"); process.exit(0); }
if (current && replace !== "1") { console.log("kept"); process.exit(0); }
data.statusLine = {type: "command", command: command};
fs.writeFileSync(file, JSON.stringify(data, null, 2) + "\n", {mode: 0o600});
console.log("set");
'
PYTHON_STATUSLINE='
import json, os, sys
path, command, replace = sys.argv[1:4]
text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
data = json.loads(text) if text.strip() else {}
if not isinstance(data, dict):
    sys.exit("not a JSON object")
current = data.get("statusLine")
if isinstance(current, dict) and current.get("command") == command:
    print("same"); sys.exit(0)
if current and replace != "1":
    print("kept"); sys.exit(0)
data["statusLine"] = {"type": "command", "command": command}
with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as f:
    json.dump(data, f, indent=2, ensure_ascii=False)
    f.write("\n")
print("set")
'

write_statusline() {
  [ -n "$statusline_command" ] || return 0
  local backup='' outcome
  mkdir -p "$(dirname "$settings_file")"
  if [ -e "$settings_file" ]; then
    backup=$(backup_path "$settings_file")
    cp -p "$settings_file" "$backup"
  fi
  if command -v node >/dev/null 2>&1; then
    outcome=$(node -e "$NODE_STATUSLINE" "$settings_file" "$statusline_command" "$statusline" </dev/null) ||
      die "could not update $settings_file (is it valid JSON?)"
  elif command -v python3 >/dev/null 2>&1; then
    outcome=$(python3 -c "$PYTHON_STATUSLINE" "$settings_file" "$statusline_command" "$statusline" </dev/null) ||
      die "could not update $settings_file (is it valid JSON?)"
  else
    warn "neither node nor python3 is here to edit $settings_file as JSON: the status line was not set"
    outcome=none
  fi
  [ "$outcome" = set ] || rm -f "$backup"
  case $outcome in
    set) step "Claude Code's status line shows each session's cost ($settings_file${backup:+; backup: $backup})" ;;
    kept) step "Kept the status line already set in $settings_file (--statusline replaces it)" ;;
    same) step "Claude Code's status line already shows ccrouter's" ;;
  esac
}

# ---------------------------------------------------------------------------------------------------------------
# The key file and the rc block.

# One line per provider's key: a run for another provider keeps the earlier one's (the cc-* aliases read both).
write_key_file() {
  local old_umask
  old_umask=$(umask)
  umask 077
  mkdir -p "$key_dir"
  key_new=$(mktemp "${TMPDIR:-/tmp}/ccrouter-keys.XXXXXX")
  if [ -f "$key_file" ]; then
    grep -v -e "^export $key_var=" -e "^set -gx $key_var " "$key_file" >"$key_new" || true
  else
    say "# API keys for Claude Code, read by the ccrouter block of your shell's rc file. Keep this file private." >"$key_new"
  fi
  set_line "$key_var" "$key" >>"$key_new"
  if [ -f "$key_file" ] && cmp -s "$key_new" "$key_file"; then
    chmod 600 "$key_file"
    step "$key_file already holds this key"
  else
    cat "$key_new" >"$key_file"
    chmod 600 "$key_file"
    step "Saved the key in $key_file (readable by you alone)"
  fi
  umask "$old_umask"
}

backup_path() {
  local base candidate n=1
  base="$1.ccrouter-backup-$(date +%Y%m%d-%H%M%S)"
  candidate=$base
  while [ -e "$candidate" ]; do
    n=$((n + 1))
    candidate=$base-$n
  done
  printf '%s' "$candidate"
}

# cc-* runs claude once with another configuration; cc-anthropic with none of these variables (your own account).
alias_line() { # alias_line NAME BASE_URL KEY_VAR MODEL SMALL_MODEL
  local body="env ANTHROPIC_BASE_URL=\"$2\" ANTHROPIC_AUTH_TOKEN=\"\$$3\" ANTHROPIC_API_KEY= ANTHROPIC_MODEL=\"$4\" ANTHROPIC_DEFAULT_HAIKU_MODEL=\"$5\" ANTHROPIC_SMALL_FAST_MODEL=\"$5\" claude"
  alias_definition "$1" "$body"
}

alias_definition() { # alias_definition NAME BODY, in the rc file's syntax
  if [ "$rc_syntax" = fish ]; then
    printf "alias %s '%s'\n" "$1" "$2"
  else
    printf "alias %s='%s'\n" "$1" "$2"
  fi
}

switch_aliases() {
  local gateway_model=$GATEWAY_MODEL gateway_small=$GATEWAY_SMALL_MODEL moonshot_model=$MOONSHOT_MODEL moonshot_small=$MOONSHOT_SMALL_MODEL
  if [ "$provider" = gateway ]; then
    gateway_model=$main_model
    gateway_small=$small_model
  else
    moonshot_model=$main_model
    moonshot_small=$small_model
  fi
  local gateway=$INSTANCE_URL
  [ "$provider" = gateway ] && gateway=$base_url
  if matches "$gateway" "$URL_PATTERN"; then
    alias_line cc-openrouter "$gateway" "$(gateway_key_var)" "$gateway_model" "$gateway_small"
  fi
  alias_line cc-moonshot "$MOONSHOT_URL" MOONSHOT_API_KEY "$moonshot_model" "$moonshot_small"
  alias_line cc-moonshot-cn "$MOONSHOT_CN_URL" MOONSHOT_API_KEY "$moonshot_model" "$moonshot_small"
  alias_definition cc-anthropic "env -u ANTHROPIC_BASE_URL -u ANTHROPIC_AUTH_TOKEN -u ANTHROPIC_API_KEY -u ANTHROPIC_MODEL -u ANTHROPIC_DEFAULT_HAIKU_MODEL -u ANTHROPIC_SMALL_FAST_MODEL claude"
}

installer_name() {
  if matches "$INSTANCE_URL" "$URL_PATTERN"; then printf '%s/install.sh' "$INSTANCE_URL"; else printf 'the ccrouter installer'; fi
}

set_line() { # set_line NAME VALUE, single-quoted (values were checked against the patterns above)
  if [ "$rc_syntax" = fish ]; then
    printf "set -gx %s '%s'\n" "$1" "$2"
  else
    printf "export %s='%s'\n" "$1" "$2"
  fi
}

render_block() {
  say "$BLOCK_BEGIN"
  say "# Claude Code → $provider_label."
  say "# Written by $(installer_name); run it again to change this block, or delete the block (both marker"
  say "# lines included) to undo."
  if [ "$rc_syntax" = fish ]; then
    printf "test -r '%s'; and source '%s'\n" "$key_file" "$key_file"
  else
    printf "[ -r '%s' ] && . '%s'\n" "$key_file" "$key_file"
  fi
  set_line ANTHROPIC_BASE_URL "$base_url"
  if [ "$rc_syntax" = fish ]; then
    printf 'set -gx ANTHROPIC_AUTH_TOKEN $%s\n' "$key_var"
  else
    printf 'export ANTHROPIC_AUTH_TOKEN="$%s"\n' "$key_var"
  fi
  set_line ANTHROPIC_API_KEY ''
  set_line ANTHROPIC_MODEL "$main_model"
  set_line ANTHROPIC_DEFAULT_HAIKU_MODEL "$small_model"
  set_line ANTHROPIC_SMALL_FAST_MODEL "$small_model"
  if [ -n "$write_aliases" ]; then switch_aliases; fi
  say "$BLOCK_END"
}

# Replaces an earlier block where it stands (so nothing the user wrote after it changes meaning) or appends one.
write_rc_block() {
  local begins ends
  # Globals, so that the EXIT trap can remove them.
  block_file=$(mktemp "${TMPDIR:-/tmp}/ccrouter-block.XXXXXX")
  new_file=$(mktemp "${TMPDIR:-/tmp}/ccrouter-rc.XXXXXX")
  render_block >"$block_file"
  if [ -e "$rc_file" ]; then
    begins=$(grep -cxF "$BLOCK_BEGIN" "$rc_file" || true)
    ends=$(grep -cxF "$BLOCK_END" "$rc_file" || true)
    if [ "$begins" != "$ends" ]; then
      die "$rc_file has $begins '$BLOCK_BEGIN' but $ends '$BLOCK_END' lines; fix the ccrouter block by hand (or delete it) and run this again"
    fi
    awk -v block="$block_file" -v begin="$BLOCK_BEGIN" -v end="$BLOCK_END" '
      function print_block(  line) { while ((getline line < block) > 0) print line; close(block); written = 1 }
      $0 == begin { if (!written) print_block(); skipping = 1; next }
      skipping { if ($0 == end) skipping = 0; next }
      { print }
      END { if (!written) { if (NR > 0) print ""; print_block() } }
    ' "$rc_file" >"$new_file"
    if cmp -s "$new_file" "$rc_file"; then
      step "$rc_file already holds this configuration"
      return
    fi
    rc_backup=$(backup_path "$rc_file")
    cp -p "$rc_file" "$rc_backup"
    # Written through, not moved over: keeps the file's permissions, owner and any symlink (dotfile managers).
    cat "$new_file" >"$rc_file"
    step "Updated the ccrouter block in $rc_file (backup: $rc_backup)"
  else
    mkdir -p "$(dirname "$rc_file")"
    cat "$block_file" >"$rc_file"
    step "Wrote the ccrouter block to $rc_file (a new file)"
  fi
}

check_gateway() {
  [ "$provider" = gateway ] || return 0
  command -v curl >/dev/null 2>&1 || return 0
  if curl -fsS -m 5 -o /dev/null "$base_url/health" 2>/dev/null </dev/null; then
    step "The gateway answers at $base_url"
  else
    warn "$base_url/health did not answer; Claude Code will fail until the gateway is reachable from here"
  fi
}

print_summary() {
  local source_cmd="source $rc_file"
  say ""
  say "Done: Claude Code uses $provider_label"
  if [ -n "$claude_settings" ]; then
    say "  key $(mask "$key"), main model $main_model, small/fast model $small_model, in $settings_file."
    say "Start claude: it reads these settings itself; other programs and your shell see none of them."
    say ""
    say "To undo: delete the ANTHROPIC_* entries under \"env\" in $settings_file."
    return
  fi
  say "  key $(mask "$key") in \$$key_var (kept in $key_file), main model $main_model, small/fast model $small_model."
  say "Open a new terminal, or run this in the current one, then start claude:"
  say "  $source_cmd"
  say ""
  if [ -n "$write_aliases" ]; then
    say "To switch for one run: cc-openrouter, cc-moonshot, cc-moonshot-cn (each reads its key from"
    say "\$$(gateway_key_var) / \$MOONSHOT_API_KEY), or cc-anthropic for your own Anthropic account."
  else
    say "To switch configurations for one run, add these aliases to $rc_file (or run this again with --aliases);"
    say "each reads its key from \$$(gateway_key_var) or \$MOONSHOT_API_KEY, and cc-anthropic uses your own Anthropic account:"
    switch_aliases | sed 's/^/  /'
  fi
  say ""
  say "To undo: delete the lines from '$BLOCK_BEGIN' to '$BLOCK_END' in $rc_file${rc_backup:+ (the file before this run: $rc_backup)},"
  say "and $key_file."
}

main() {
  block_file=
  new_file=
  rc_backup=
  key_new=
  trap 'rm -f "$block_file" "$new_file" "$key_new"' EXIT
  parse_args "$@"
  decide_interactive
  choose_provider
  describe_provider
  choose_key
  choose_models
  choose_rc_file
  choose_statusline
  confirm
  ensure_node
  ensure_claude
  mark_onboarding_complete
  if [ -n "$claude_settings" ]; then
    write_claude_settings
  else
    write_key_file
    write_rc_block
  fi
  write_statusline
  check_gateway
  print_summary
}

# Called last, so that a download cut short runs nothing at all.
main "$@"
