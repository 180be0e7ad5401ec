package io.outflux; public class Main { public static void main(String[] a){} }
