const string PATH = "C:\temp\new\x41"
