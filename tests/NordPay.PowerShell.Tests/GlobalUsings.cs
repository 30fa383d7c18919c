// The module's vocabulary (errors, amounts) and its output types, used by nearly every test.
global using NordPay.Core;
global using NordPay.Models;
