fn main() -> std::process::ExitCode {
    tessera_functions::cli::main()
}
