# tools/lint/lib.sh - sourced by tools/lint/run and tools/lint/format.
#
# lint_c_files: print, one per line, every tracked or untracked (not ignored)
# *.c and *.h file under the source folders, relative to the repository root.
# The caller must have cd'ed to the repository root.

LINT_DIRS=(include sim kernel servers libposix programs cli tests fuse-bridge faults tools)

lint_existing_dirs()
{
	local d
	for d in "${LINT_DIRS[@]}"; do
		[[ -d $d ]] && printf '%s\n' "$d"
	done
	return 0
}

# lint_files GLOB...: files under LINT_DIRS whose names match one of the globs.
lint_files()
{
	local dirs f g
	mapfile -t dirs < <(lint_existing_dirs)
	((${#dirs[@]} == 0)) && return 0
	{
		# Outside a git checkout (an unpacked tarball), every file counts.
		git ls-files -co --exclude-standard -- "${dirs[@]}" 2>/dev/null ||
			find "${dirs[@]}" -type f
	} | sort -u |
		while IFS= read -r f; do
			[[ -f $f ]] || continue # tracked but deleted in the work tree
			for g in "$@"; do
				# shellcheck disable=SC2053 # $g is a glob on purpose
				if [[ $f == $g ]]; then
					printf '%s\n' "$f"
					break
				fi
			done
		done
}

lint_c_files()
{
	lint_files '*.c' '*.h'
}
